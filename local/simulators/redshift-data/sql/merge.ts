/**
 * What Redshift's MERGE accepts, checked before PostgreSQL (whose MERGE is wider) runs it:
 * `MERGE INTO target USING source_table [alias] ON … WHEN MATCHED THEN {UPDATE SET … | DELETE}
 * WHEN NOT MATCHED THEN INSERT …`. The source is a table (a temp table will do), never a
 * subquery, and both WHEN clauses are required; anything else is refused with the Redshift way.
 */
import { RedshiftSqlError } from './errors.ts';
import { positionOf } from './output.ts';
import { isSymbol, isWord, type Token } from './tokens.ts';

/** Filtering the source rows, the way Redshift's MERGE allows it. */
const FILTER_FIRST =
  'filter the source table before the MERGE (load a temp table, then DELETE from it the rows to leave out)';

const REFUSALS: [string[], string][] = [
  [['when', 'matched', 'and'], `Redshift MERGE has no WHEN MATCHED AND …: ${FILTER_FIRST}`],
  [
    ['when', 'not', 'matched', 'and'],
    `Redshift MERGE has no WHEN NOT MATCHED AND …: ${FILTER_FIRST}`,
  ],
  [['when', 'not', 'matched', 'by'], 'Redshift MERGE has no WHEN NOT MATCHED BY …'],
  [['do', 'nothing'], `Redshift MERGE has no DO NOTHING: ${FILTER_FIRST}`],
  [
    ['remove', 'duplicates'],
    'MERGE … REMOVE DUPLICATES is not supported by the simulator: write WHEN MATCHED THEN UPDATE … WHEN NOT MATCHED THEN INSERT …',
  ],
];

const at = (tokens: readonly Token[], words: readonly string[]) =>
  tokens.findIndex((_, i) => words.every((w, k) => isWord(tokens[i + k], w)));

/** Throws a {@link RedshiftSqlError} for a MERGE outside Redshift's form. */
export function checkMerge(tokens: readonly Token[]): void {
  for (const [words, message] of REFUSALS) {
    const found = at(tokens, words);
    if (found !== -1) throw new RedshiftSqlError(message, { position: positionOf(tokens[found]) });
  }
  const using = tokens.findIndex((t) => isWord(t, 'using'));
  if (using !== -1 && isSymbol(tokens[using + 1], '(')) {
    throw new RedshiftSqlError(
      "Redshift MERGE's source must be a table, not a subquery: load the rows into a temp table (CREATE TEMP TABLE … AS SELECT …) and MERGE from it",
      { position: positionOf(tokens[using + 1]) },
    );
  }
  const matched = at(tokens, ['when', 'matched', 'then']);
  const notMatched = at(tokens, ['when', 'not', 'matched', 'then']);
  if (matched === -1 || notMatched === -1) {
    throw new RedshiftSqlError(
      `Redshift MERGE needs both WHEN MATCHED THEN {UPDATE SET … | DELETE} and WHEN NOT MATCHED THEN INSERT …: this one has no WHEN ${matched === -1 ? 'MATCHED' : 'NOT MATCHED'} clause (use UPDATE … FROM or INSERT … SELECT for one of them alone)`,
      { position: positionOf(tokens[0]) },
    );
  }
}
