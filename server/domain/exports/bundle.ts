// Assembles the export files of a trial (long.csv, wide.csv, codebook.csv, load.R, load.do) from score rows; pure.
import { toCsv } from '../csv';
import { codebook, codebookColumns, rScript, stataScript } from './codebook';
import { longColumns, sortLong, toWide, type LongRow } from './tidy';

export const exportFiles = ['long.csv', 'wide.csv', 'codebook.csv', 'load.R', 'load.do'] as const;
export type ExportFile = (typeof exportFiles)[number];

export function isExportFile(name: string): name is ExportFile {
  return (exportFiles as readonly string[]).includes(name);
}

/** Every export file's text. `titles` maps 'id@version' to the instrument title for labels. */
export function buildExport(trialId: string, rows: LongRow[], titles: Record<string, string>): Record<ExportFile, string> {
  const sorted = sortLong(rows);
  const wide = toWide(sorted);
  const book = codebook(sorted, titles);
  return {
    'long.csv': toCsv(longColumns, sorted as unknown as Array<Record<string, unknown>>),
    'wide.csv': toCsv(wide.columns, wide.rows),
    'codebook.csv': toCsv(codebookColumns, book as unknown as Array<Record<string, unknown>>),
    'load.R': rScript(trialId, book),
    'load.do': stataScript(trialId, book),
  };
}
