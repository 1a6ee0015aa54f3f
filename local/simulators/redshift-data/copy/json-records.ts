/**
 * Reads the JSON objects of one S3 object as COPY … JSON 'auto' does: one object per line
 * (NDJSON), or objects simply concatenated (Redshift accepts both). Anything else is a load error
 * that names the line.
 */

/** A load error found while reading a file (Redshift's sys_load_error_detail row). */
export class LoadError extends Error {
  override name = 'LoadError';
  readonly line: number;
  readonly column: string | undefined;

  constructor(message: string, options: { line: number; column?: string }) {
    super(message);
    this.line = options.line;
    this.column = options.column;
  }
}

/** A record and the line it starts on. */
export interface JsonRecord {
  line: number;
  value: Record<string, unknown>;
}

function asObject(value: unknown, line: number): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LoadError('Invalid JSONPath format: the value is not a JSON object.', { line });
  }
  return value as Record<string, unknown>;
}

/** The fast path: every non-blank line is one object. Undefined when a line is not JSON. */
function byLine(text: string): JsonRecord[] | undefined {
  const records: JsonRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    records.push({ line: i + 1, value: asObject(value, i + 1) });
  }
  return records;
}

/** The slow path: objects found by matching braces, whatever the line breaks. */
function byBraces(text: string): JsonRecord[] {
  const records: JsonRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') line += 1;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch !== '{') {
      throw new LoadError(`Invalid JSON: a JSON object is expected, found ${JSON.stringify(ch)}.`, {
        line,
      });
    }
    const startLine = line;
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i += 1) {
      const c = text[i] as string;
      if (c === '\n') line += 1;
      if (inString) {
        if (c === '\\') i += 1;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) {
      throw new LoadError('Invalid JSON: the object is not closed.', { line: startLine });
    }
    i += 1;
    try {
      records.push({
        line: startLine,
        value: asObject(JSON.parse(text.slice(start, i)), startLine),
      });
    } catch (error) {
      if (error instanceof LoadError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new LoadError(`Invalid JSON: ${reason}`, { line: startLine });
    }
  }
  return records;
}

/** The JSON objects of a file's text. */
export function readJsonRecords(text: string): JsonRecord[] {
  return byLine(text) ?? byBraces(text);
}
