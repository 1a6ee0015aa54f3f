/**
 * Redshift functions PostgreSQL lacks or spells differently, each rewritten to a PostgreSQL
 * expression with Redshift's result: DATEDIFF counts the unit boundaries crossed, GETDATE has no
 * fractional seconds, NVL is COALESCE, JSON_PARSE builds a SUPER (jsonb) value, and so on.
 */
import { HELPER_SCHEMA } from '../helpers.ts';
import { RedshiftSqlError } from './errors.ts';
import { type Piece, positionOf, text } from './output.ts';
import { stringValue, TOKEN_KINDS, type Token } from './tokens.ts';

/** A call being rewritten: its name token, its arguments rewritten, and as written. */
export interface FunctionCall {
  name: Token;
  args: Piece[][];
  rawArgs: Token[][];
}

const UNIT_SPELLINGS: Record<string, string[]> = {
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  millisecond: ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'millisec', 'millisecs'],
  microsecond: ['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'microsec', 'microsecs'],
  dow: ['dow', 'dayofweek', 'weekday'],
  doy: ['doy', 'dayofyear'],
  epoch: ['epoch'],
};
const UNITS = new Map(
  Object.entries(UNIT_SPELLINGS).flatMap(([unit, spellings]) => spellings.map((s) => [s, unit])),
);

/** The canonical unit a DATEADD/DATEDIFF/DATE_TRUNC/DATE_PART first argument names. */
function unitOf(call: FunctionCall, allowed: readonly string[]): string {
  const raw = call.rawArgs[0];
  const token = raw?.[0];
  const written =
    raw?.length === 1 && token?.kind === TOKEN_KINDS.string
      ? stringValue(token)
      : raw?.length === 1 && token?.kind === TOKEN_KINDS.word
        ? token.text
        : undefined;
  const unit = written === undefined ? undefined : UNITS.get(written.toLowerCase());
  if (unit === undefined || !allowed.includes(unit)) {
    const name = call.name.text.toUpperCase();
    throw new RedshiftSqlError(
      `${name} needs a date part as its first argument (one of ${allowed.join(', ')}), not ${raw?.map((t) => t.text).join(' ') || 'nothing'}`,
      { position: positionOf(token ?? call.name) },
    );
  }
  return unit;
}

function arity(call: FunctionCall, counts: readonly number[]): void {
  if (!counts.includes(call.args.length)) {
    throw new RedshiftSqlError(
      `${call.name.text.toUpperCase()} takes ${counts.join(' or ')} arguments, not ${call.args.length}`,
      { position: positionOf(call.name) },
    );
  }
}

/** Generated SQL around argument pieces: `sql` strings and argument indexes, in order. */
function build(call: FunctionCall, parts: readonly (string | number)[]): Piece[] {
  const start = call.name.start;
  return parts.flatMap((part) =>
    typeof part === 'string' ? [text(part, start)] : (call.args[part] ?? []),
  );
}

/** An argument as a timestamp: a bare literal or parameter gets a cast PostgreSQL needs. */
function asTimestamp(call: FunctionCall, index: number): (string | number)[] {
  const raw = call.rawArgs[index] ?? [];
  const bare =
    raw.length === 1 &&
    (raw[0]?.kind === TOKEN_KINDS.string || raw[0]?.kind === TOKEN_KINDS.parameter);
  return bare ? ['(', index, ')::timestamp'] : ['(', index, ')'];
}

const DATE_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
const FINE_UNITS = [...DATE_UNITS, 'millisecond', 'microsecond'];

const EPOCH_DIVISORS: Record<string, string> = {
  hour: '3600',
  minute: '60',
  second: '1',
  millisecond: '0.001',
  microsecond: '0.000001',
};

function dateDiff(call: FunctionCall): Piece[] {
  arity(call, [3]);
  const unit = unitOf(call, FINE_UNITS);
  const a = ['(', 1, ')::timestamp'];
  const b = ['(', 2, ')::timestamp'];
  const extract = (field: string, x: (string | number)[]) => [`EXTRACT(${field} FROM`, ...x, ')'];
  const years = ['(', ...extract('YEAR', b), '-', ...extract('YEAR', a), ')'];
  const byUnit: Record<string, (string | number)[]> = {
    year: years,
    quarter: [...years, '* 4 +', ...extract('QUARTER', b), '-', ...extract('QUARTER', a)],
    month: [...years, '* 12 +', ...extract('MONTH', b), '-', ...extract('MONTH', a)],
    week: ["((date_trunc('week',", ...b, ')::date', "- date_trunc('week',", ...a, ')::date) / 7)'],
    day: ['((', ...b, ')::date - (', ...a, ')::date)'],
  };
  const divisor = EPOCH_DIVISORS[unit];
  const expression =
    byUnit[unit] ??
    (() => {
      const truncated = (x: (string | number)[]) =>
        extract('EPOCH', [`date_trunc('${unit}',`, ...x, ')']);
      return ['round((', ...truncated(b), '-', ...truncated(a), `) / ${divisor})`];
    })();
  return build(call, ['(', ...expression, ')::bigint']);
}

function dateAdd(call: FunctionCall): Piece[] {
  arity(call, [3]);
  const unit = unitOf(call, FINE_UNITS);
  const interval = unit === 'quarter' ? '3 months' : `1 ${unit}`;
  return build(call, ['(', ...asTimestamp(call, 2), '+ (', 1, `) * INTERVAL '${interval}')`]);
}

function dateTrunc(call: FunctionCall): Piece[] {
  arity(call, [2]);
  const unit = unitOf(call, FINE_UNITS);
  return build(call, [`date_trunc('${unit}',`, ...asTimestamp(call, 1), ')']);
}

function datePart(call: FunctionCall): Piece[] {
  arity(call, [2]);
  const unit = unitOf(call, [...FINE_UNITS, 'dow', 'doy', 'epoch']);
  return build(call, [`date_part('${unit}',`, ...asTimestamp(call, 1), ')']);
}

function decode(call: FunctionCall): Piece[] {
  if (call.args.length < 3) arity(call, [3]);
  const parts: (string | number)[] = ['CASE'];
  let i = 1;
  for (; i + 1 < call.args.length; i += 2) {
    parts.push('WHEN (', 0, ') IS NOT DISTINCT FROM (', i, ') THEN (', i + 1, ')');
  }
  if (i < call.args.length) parts.push('ELSE (', i, ')');
  return build(call, [...parts, 'END']);
}

function convertTimezone(call: FunctionCall): Piece[] {
  arity(call, [2, 3]);
  if (call.args.length === 2) {
    return build(call, [
      '((',
      ...asTimestamp(call, 1),
      ") AT TIME ZONE 'UTC') AT TIME ZONE (",
      0,
      ')',
    ]);
  }
  return build(call, [
    '((',
    ...asTimestamp(call, 2),
    ') AT TIME ZONE (',
    0,
    ')) AT TIME ZONE (',
    1,
    ')',
  ]);
}

function jsonExtractPathText(call: FunctionCall): Piece[] {
  if (call.args.length < 2) arity(call, [2]);
  const path = call.args
    .slice(1)
    .flatMap((arg, k) => [...(k === 0 ? [] : [text(',', call.name.start)]), ...arg]);
  return [
    ...build(call, [
      'CASE WHEN (',
      0,
      ') IS NULL THEN NULL ELSE COALESCE(json_extract_path_text((',
      0,
      ')::json,',
    ]),
    ...path,
    text("), '') END", call.name.start),
  ];
}

/** A rewrite of a call with exactly `count` arguments into `parts` (see {@link build}). */
const fixed =
  (count: number, parts: readonly (string | number)[]) =>
  (call: FunctionCall): Piece[] => {
    arity(call, [count]);
    return build(call, parts);
  };

/** Rewrites by lower-case function name. */
export const FUNCTION_REWRITES: Record<string, (call: FunctionCall) => Piece[]> = {
  nvl: fixed(2, ['COALESCE(', 0, ',', 1, ')']),
  nvl2: fixed(3, ['CASE WHEN (', 0, ') IS NOT NULL THEN (', 1, ') ELSE (', 2, ') END']),
  getdate: fixed(0, ["date_trunc('second', LOCALTIMESTAMP)"]),
  len: fixed(1, ['length(', 0, ')']),
  datediff: dateDiff,
  date_diff: dateDiff,
  dateadd: dateAdd,
  date_add: dateAdd,
  date_trunc: dateTrunc,
  date_part: datePart,
  pgdate_part: datePart,
  decode,
  convert_timezone: convertTimezone,
  json_parse: fixed(1, ['(', 0, ')::jsonb']),
  json_serialize: fixed(1, [`${HELPER_SCHEMA}.json_serialize(`, 0, ')']),
  json_extract_path_text: jsonExtractPathText,
};
