/**
 * The SOQL subset the connector and its tests use, parsed into a small syntax tree:
 * `SELECT f1, Rel__r.f2 | COUNT() FROM Obj [WHERE …] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …]
 * [LIMIT n] [OFFSET n]`, with `=, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN`, AND/OR/NOT and
 * parentheses (mixing AND and OR needs parentheses, as in SOQL), and string, number, boolean,
 * null, date and date-time literals. Errors carry the position Salesforce reports them at.
 */

/** A literal of a condition. */
export type SoqlLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: string };

/** A field or a relationship path (`Account__r.Name`) and where it starts in the query. */
export interface FieldRef {
  path: string[];
  position: number;
}

/** A WHERE condition. */
export type Condition =
  | { kind: 'compare'; field: FieldRef; op: string; value: SoqlLiteral; position: number }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: SoqlLiteral[]; position: number }
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition };

/** A parsed query. */
export interface SoqlQuery {
  count: boolean;
  fields: FieldRef[];
  from: { name: string; position: number };
  where?: Condition;
  orderBy: { field: FieldRef; descending: boolean; nullsLast: boolean }[];
  limit?: number;
  offset?: number;
}

/** A query Salesforce refuses: MALFORMED_QUERY, INVALID_FIELD or INVALID_TYPE at `position`. */
export class SoqlError extends Error {
  override name = 'SoqlError';
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

interface Token {
  type: 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';
  text: string;
  value: string;
  position: number;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w:])/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATOR = /^(?:!=|<>|<=|>=|=|<|>)/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const rest = soql.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const push = (type: Token['type'], text: string, value = text) => {
      tokens.push({ type, text, value, position: i });
      i += text.length;
    };
    const c = rest.charAt(0);
    if (c === "'") {
      let value = '';
      let j = 1;
      for (; j < rest.length && rest.charAt(j) !== "'"; j += 1) {
        if (rest.charAt(j) === '\\' && j + 1 < rest.length) {
          j += 1;
          value += ESCAPES[rest.charAt(j)] ?? rest.charAt(j);
        } else value += rest.charAt(j);
      }
      if (j >= rest.length)
        throw new SoqlError(
          'MALFORMED_QUERY',
          "line 1:0 no viable alternative at character '''",
          i,
        );
      push('string', rest.slice(0, j + 1), value);
      continue;
    }
    const dateTime = DATE_TIME.exec(rest);
    const date = DATE.exec(rest);
    const number = NUMBER.exec(rest);
    const ident = IDENT.exec(rest);
    const op = OPERATOR.exec(rest);
    if (dateTime) push('datetime', dateTime[0]);
    else if (date) push('date', date[0]);
    else if (number) push('number', number[0]);
    else if (ident) push('ident', ident[0]);
    else if (op) push('op', op[0]);
    else if ('(),.'.includes(c)) push('punct', c);
    else throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${c}'`, i);
  }
  tokens.push({ type: 'eof', text: '<EOF>', value: '', position: soql.length });
  return tokens;
}

/** Parses `soql`; throws {@link SoqlError} with Salesforce's message for what it cannot read. */
export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = (): Token => tokens[at] ?? (tokens[tokens.length - 1] as Token);
  const next = (): Token => {
    const token = peek();
    at = Math.min(at + 1, tokens.length - 1);
    return token;
  };
  const unexpected = (token: Token) =>
    new SoqlError('MALFORMED_QUERY', `unexpected token: '${token.text}'`, token.position);
  const isKeyword = (word: string, token = peek()) =>
    token.type === 'ident' && token.text.toUpperCase() === word;
  const expectKeyword = (word: string) => {
    const token = next();
    if (!isKeyword(word, token)) throw unexpected(token);
  };
  const expectPunct = (p: string) => {
    const token = next();
    if (token.type !== 'punct' || token.text !== p) throw unexpected(token);
  };
  const fieldRef = (): FieldRef => {
    const first = next();
    if (first.type !== 'ident') throw unexpected(first);
    const path = [first.text];
    while (peek().type === 'punct' && peek().text === '.') {
      next();
      const part = next();
      if (part.type !== 'ident') throw unexpected(part);
      path.push(part.text);
    }
    return { path, position: first.position };
  };
  const literal = (): SoqlLiteral => {
    const token = next();
    if (token.type === 'string') return { kind: 'string', value: token.value };
    if (token.type === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.type === 'date') return { kind: 'date', value: token.text };
    if (token.type === 'datetime') return { kind: 'datetime', value: token.text };
    if (isKeyword('TRUE', token) || isKeyword('FALSE', token)) {
      return { kind: 'boolean', value: token.text.toUpperCase() === 'TRUE' };
    }
    if (isKeyword('NULL', token)) return { kind: 'null' };
    throw unexpected(token);
  };
  const predicate = (): Condition => {
    if (isKeyword('NOT')) {
      next();
      return { kind: 'not', item: predicate() };
    }
    if (peek().type === 'punct' && peek().text === '(') {
      next();
      const inner = condition();
      expectPunct(')');
      return inner;
    }
    const field = fieldRef();
    const token = peek();
    if (token.type === 'op') {
      next();
      const op = token.text === '<>' ? '!=' : token.text;
      return { kind: 'compare', field, op, value: literal(), position: token.position };
    }
    if (isKeyword('LIKE')) {
      next();
      return { kind: 'compare', field, op: 'LIKE', value: literal(), position: token.position };
    }
    const negated = isKeyword('NOT');
    if (negated) next();
    if (!isKeyword('IN')) throw unexpected(peek());
    next();
    expectPunct('(');
    const values = [literal()];
    while (peek().type === 'punct' && peek().text === ',') {
      next();
      values.push(literal());
    }
    expectPunct(')');
    return { kind: 'in', field, negated, values, position: token.position };
  };
  const condition = (): Condition => {
    const items = [predicate()];
    let joiner: 'AND' | 'OR' | undefined;
    while (isKeyword('AND') || isKeyword('OR')) {
      const token = next();
      const word = token.text.toUpperCase() as 'AND' | 'OR';
      if (joiner !== undefined && joiner !== word) throw unexpected(token);
      joiner = word;
      items.push(predicate());
    }
    const [only] = items;
    if (items.length === 1 && only) return only;
    return { kind: joiner === 'OR' ? 'or' : 'and', items };
  };
  const integer = (): number => {
    const token = next();
    if (token.type !== 'number' || !/^\d+$/.test(token.text)) throw unexpected(token);
    return Number(token.text);
  };

  expectKeyword('SELECT');
  let count = false;
  const fields: FieldRef[] = [];
  if (isKeyword('COUNT') && tokens[at + 1]?.text === '(') {
    next();
    expectPunct('(');
    expectPunct(')');
    count = true;
  } else {
    fields.push(fieldRef());
    while (peek().type === 'punct' && peek().text === ',') {
      next();
      fields.push(fieldRef());
    }
  }
  expectKeyword('FROM');
  const fromToken = next();
  if (fromToken.type !== 'ident') throw unexpected(fromToken);
  const query: SoqlQuery = {
    count,
    fields,
    from: { name: fromToken.text, position: fromToken.position },
    orderBy: [],
  };
  if (isKeyword('WHERE')) {
    next();
    query.where = condition();
  }
  if (isKeyword('ORDER')) {
    next();
    expectKeyword('BY');
    do {
      if (query.orderBy.length > 0) next();
      const field = fieldRef();
      let descending = false;
      if (isKeyword('ASC') || isKeyword('DESC')) descending = next().text.toUpperCase() === 'DESC';
      let nullsLast = descending;
      if (isKeyword('NULLS')) {
        next();
        const where = next();
        if (!isKeyword('FIRST', where) && !isKeyword('LAST', where)) throw unexpected(where);
        nullsLast = where.text.toUpperCase() === 'LAST';
      }
      query.orderBy.push({ field, descending, nullsLast });
    } while (peek().type === 'punct' && peek().text === ',');
  }
  if (isKeyword('LIMIT')) {
    next();
    query.limit = integer();
  }
  if (isKeyword('OFFSET')) {
    next();
    query.offset = integer();
  }
  if (peek().type !== 'eof') throw unexpected(peek());
  return query;
}

/** Salesforce's message for a query error: the query line, a caret, the row and column. */
export function describeSoqlError(soql: string, error: SoqlError): string {
  const before = soql.slice(0, error.position);
  const row = before.split('\n').length;
  const column = error.position - before.lastIndexOf('\n');
  const line = soql.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${error.message}`;
}
