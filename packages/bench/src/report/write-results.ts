import fs from 'node:fs';
import path from 'node:path';
import { CompareResult } from '../run/results';
import { renderHtmlReport } from './html-report';

/** `2026-12-04T16-40-05`: sortable, and legal in file names everywhere. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** The two output paths for a run that started at `date`. */
export function resultFiles(outDir: string, date: Date): { json: string; html: string } {
  const base = path.join(outDir, fileTimestamp(date));
  return { json: `${base}.json`, html: `${base}.html` };
}

/** Writes the JSON (with every histogram) and the HTML report. */
export function writeResults(result: CompareResult): void {
  fs.mkdirSync(path.dirname(result.jsonFile), { recursive: true });
  fs.writeFileSync(result.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(result.htmlFile, renderHtmlReport(result));
}
