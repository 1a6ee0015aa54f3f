/**
 * Reads a Redshift `COPY … FROM 's3://…' … FORMAT AS JSON 'auto'` into a {@link CopyCommand}
 * the simulator runs itself (PostgreSQL's COPY is a different command). Only JSON 'auto' loads
 * are in the subset; CSV, Parquet, manifests and JSONPaths files are refused.
 */
import { tableName } from './create-table.ts';
import { RedshiftSqlError } from './errors.ts';
import { closingParen, positionOf, splitArguments } from './output.ts';
import {
  identifierName,
  isSymbol,
  isWord,
  stringValue,
  TOKEN_KINDS,
  type Token,
} from './tokens.ts';

/** How COPY reads timestamps from numbers. */
export const TIME_FORMATS = {
  auto: 'auto',
  epochSecs: 'epochsecs',
  epochMillisecs: 'epochmillisecs',
} as const;
export type TimeFormat = (typeof TIME_FORMATS)[keyof typeof TIME_FORMATS];

/** A COPY the simulator runs: what to read from S3, and how to load it. */
export interface CopyCommand {
  /** The schema named, or undefined for an unqualified name (found on the search path). */
  schema: string | undefined;
  table: string;
  /** The column list, when given (otherwise every column of the table). */
  columns: string[] | undefined;
  bucket: string;
  prefix: string;
  ignoreCase: boolean;
  timeFormat: TimeFormat;
  gzip: boolean;
  region: string | undefined;
  acceptInvChars: string | undefined;
  truncateColumns: boolean;
}

const NOT_JSON =
  "the simulator's COPY loads JSON only: write FORMAT AS JSON 'auto' (or 'auto ignorecase')";

/** Options that take no value and change nothing in the simulator. */
const IGNORED_FLAGS = new Set([
  'blanksasnull',
  'emptyasnull',
  'acceptanydate',
  'ignoreblanklines',
  'trimblanks',
  'roundec',
  'explicit_ids',
  'noload',
]);
/** Options that take one value and change nothing in the simulator. */
const IGNORED_VALUES = new Set([
  'credentials',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'compupdate',
  'statupdate',
  'maxerror',
  'dateformat',
  'encoding',
]);
const REFUSED = new Map([
  ['csv', NOT_JSON],
  ['delimiter', NOT_JSON],
  ['fixedwidth', NOT_JSON],
  ['parquet', NOT_JSON],
  ['orc', NOT_JSON],
  ['avro', NOT_JSON],
  ['shapefile', NOT_JSON],
  ['manifest', 'COPY with a MANIFEST is not supported by the simulator: COPY from a key prefix'],
  ['lzop', 'only GZIP compression is supported by the simulator'],
  ['bzip2', 'only GZIP compression is supported by the simulator'],
  ['zstd', 'only GZIP compression is supported by the simulator'],
]);

/** Reads one option at `i` into the command; returns where the next option starts. */
type OptionReader = (at: {
  tokens: readonly Token[];
  i: number;
  /** Where the option's value is (past an optional AS). */
  valueAt: number;
  command: CopyCommand;
}) => number;

const flag =
  (set?: (command: CopyCommand) => void): OptionReader =>
  ({ i, command }) => {
    set?.(command);
    return i + 1;
  };

const withString =
  (name: string, set?: (command: CopyCommand, value: string) => void): OptionReader =>
  ({ tokens, valueAt, command }) => {
    set?.(command, stringAt(tokens, valueAt, name));
    return valueAt + 1;
  };

/** Options by lower-case name. */
const OPTIONS: Record<string, OptionReader> = {
  iam_role: ({ tokens, i }) => {
    if (!isWord(tokens[i + 1], 'default')) stringAt(tokens, i + 1, 'IAM_ROLE');
    return i + 2;
  },
  format: ({ tokens, valueAt, command }) => {
    if (!isWord(tokens[valueAt], 'json')) {
      throw new RedshiftSqlError(NOT_JSON, { position: positionOf(tokens[valueAt]) });
    }
    return jsonFormat(tokens, valueAt + 1, command);
  },
  json: ({ tokens, valueAt, command }) => jsonFormat(tokens, valueAt, command),
  ignorecase: flag((command) => {
    command.ignoreCase = true;
  }),
  timeformat: withString('TIMEFORMAT', (command, value) => {
    const format = value.toLowerCase();
    command.timeFormat = Object.values(TIME_FORMATS).find((f) => f === format) ?? TIME_FORMATS.auto;
  }),
  gzip: flag((command) => {
    command.gzip = true;
  }),
  region: withString('REGION', (command, value) => {
    command.region = value;
  }),
  acceptinvchars: ({ tokens, i, valueAt, command }) => {
    const given = tokens[valueAt]?.kind === TOKEN_KINDS.string;
    command.acceptInvChars = given ? stringValue(tokens[valueAt] as Token) : '?';
    return given ? valueAt + 1 : i + 1;
  },
  truncatecolumns: flag((command) => {
    command.truncateColumns = true;
  }),
  ...Object.fromEntries([...IGNORED_FLAGS].map((name) => [name, flag()])),
  ...Object.fromEntries(
    [...IGNORED_VALUES].map((name): [string, OptionReader] => [name, ({ valueAt }) => valueAt + 1]),
  ),
};

function stringAt(tokens: readonly Token[], i: number, what: string): string {
  const token = tokens[i];
  if (token?.kind !== TOKEN_KINDS.string) {
    throw new RedshiftSqlError(`${what} needs a '…' string here`, {
      position: positionOf(token ?? tokens[i - 1]),
      syntax: true,
    });
  }
  return stringValue(token);
}

/** Parses the JSON format argument: 'auto' or 'auto ignorecase'. */
function jsonFormat(tokens: readonly Token[], i: number, command: CopyCommand): number {
  const value = stringAt(tokens, i, 'FORMAT AS JSON').trim().toLowerCase();
  if (value === 'auto ignorecase') command.ignoreCase = true;
  else if (value !== 'auto') {
    throw new RedshiftSqlError(
      `JSON '${value}' is not supported by the simulator: use JSON 'auto' or 'auto ignorecase' (JSONPaths files are not read)`,
      { position: positionOf(tokens[i]) },
    );
  }
  return i + 1;
}

/** Reads a COPY statement's tokens (no whitespace or comments). */
export function parseCopy(tokens: readonly Token[]): CopyCommand {
  const name = tableName(tokens, 1);
  let i = name.next;
  let columns: string[] | undefined;
  if (isSymbol(tokens[i], '(')) {
    columns = splitArguments(tokens, i).map((arg) => identifierName(arg[0] as Token));
    i = closingParen(tokens, i) + 1;
  }
  if (!isWord(tokens[i], 'from')) {
    throw new RedshiftSqlError("COPY needs FROM 's3://bucket/prefix'", {
      position: positionOf(tokens[i]),
      syntax: true,
    });
  }
  const source = stringAt(tokens, i + 1, 'COPY … FROM');
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(source);
  if (!match) {
    throw new RedshiftSqlError(
      `COPY FROM '${source}' is not an S3 location: the simulator loads from 's3://bucket/prefix'`,
      { position: positionOf(tokens[i + 1]) },
    );
  }
  const command: CopyCommand = {
    schema: name.qualified ? name.schema : undefined,
    table: name.table,
    columns,
    bucket: match[1] ?? '',
    prefix: match[2] ?? '',
    ignoreCase: false,
    timeFormat: TIME_FORMATS.auto,
    gzip: false,
    region: undefined,
    acceptInvChars: undefined,
    truncateColumns: false,
  };
  i += 2;
  let json = false;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const word = token.kind === TOKEN_KINDS.word ? token.text.toLowerCase() : '';
    const refused = REFUSED.get(word);
    if (refused) throw new RedshiftSqlError(refused, { position: positionOf(token) });
    const option = OPTIONS[word];
    if (!option) {
      throw new RedshiftSqlError(`COPY option "${token.text}" is not supported by the simulator`, {
        position: positionOf(token),
        syntax: token.kind !== TOKEN_KINDS.word,
      });
    }
    const valueAt = isWord(tokens[i + 1], 'as') ? i + 2 : i + 1;
    json ||= word === 'json' || word === 'format';
    i = option({ tokens, i, valueAt, command });
  }
  if (!json) throw new RedshiftSqlError(NOT_JSON, { position: positionOf(tokens[0]) });
  return command;
}
