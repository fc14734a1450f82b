// Opening a CSV in a real LibreOffice Calc (headless), as a person in a given locale would, and
// reading back what it made of each cell: a number, a date or text.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The soffice binary on the PATH, or null. */
export function findSoffice(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

export interface SheetCell {
  readonly type: 'float' | 'date' | 'string' | 'empty' | string;
  /** The number LibreOffice read, for float cells; the text otherwise. */
  readonly value: string;
}

export interface Locale {
  /** LANG for the soffice process, e.g. "de_DE.UTF-8". */
  readonly lang: string;
  /** The LibreOffice language ID of the CSV import, e.g. 1031 for German (Germany). */
  readonly languageId: number;
  readonly delimiter: ',' | ';';
}

export const ENGLISH_US: Locale = { lang: 'en_US.UTF-8', languageId: 1033, delimiter: ',' };
export const GERMAN: Locale = { lang: 'de_DE.UTF-8', languageId: 1031, delimiter: ';' };

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** The first sheet of a flat ODS file, row by row, with repeated cells expanded. */
function readFods(xml: string): SheetCell[][] {
  const rows: SheetCell[][] = [];
  for (const row of xml.matchAll(/<table:table-row[^>]*>([\s\S]*?)<\/table:table-row>/g)) {
    const cells: SheetCell[] = [];
    const cellPattern =
      /<table:table-cell((?:[^>/]|\/(?!>))*)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g;
    for (const cell of (row[1] ?? '').matchAll(cellPattern)) {
      const attributes = cell[1] ?? '';
      const type = /office:value-type="([^"]+)"/.exec(attributes)?.[1] ?? 'empty';
      const number = /office:value="([^"]+)"/.exec(attributes)?.[1];
      const text = [...(cell[2] ?? '').matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)]
        .map((p) => unescapeXml((p[1] ?? '').replace(/<[^>]+>/g, '')))
        .join('\n');
      const repeat = Number(/table:number-columns-repeated="(\d+)"/.exec(attributes)?.[1] ?? 1);
      for (let i = 0; i < Math.min(repeat, 1000); i++) {
        cells.push({ type, value: type === 'float' && number !== undefined ? number : text });
      }
    }
    rows.push(cells);
  }
  return rows;
}

export interface Calc {
  /**
   * Opens `csvPath` with the locale's language and delimiter (what LibreOffice's CSV import
   * dialog offers there), converts it to flat ODS and returns the cells.
   */
  open(csvPath: string, locale: Locale): Promise<SheetCell[][]>;
  /** Removes the LibreOffice profile and the converted files. */
  close(): Promise<void>;
}

/**
 * A LibreOffice with a profile of its own (made on first use, which takes most of the time),
 * so the machine's settings play no part and later conversions start faster.
 */
export async function startCalc(soffice: string): Promise<Calc> {
  const work = await mkdtemp(join(tmpdir(), 'ml-cost-calc-'));
  return {
    async open(csvPath, locale) {
      // Filter options: field separator, text delimiter ("), UTF-8 (76), from line 1, no
      // column types, the language, as LibreOffice's CSV filter documents them.
      const filter = `CSV:${locale.delimiter.charCodeAt(0)},34,76,1,,${locale.languageId}`;
      const args = [
        `-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`,
        '--headless',
        `--infilter=${filter}`,
        '--convert-to',
        'fods',
        '--outdir',
        work,
        csvPath,
      ];
      await new Promise<void>((resolve, reject) => {
        const child = spawn(soffice, args, {
          env: { PATH: process.env.PATH ?? '', HOME: work, LANG: locale.lang, LC_ALL: locale.lang },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`soffice exited ${code}: ${stderr}`)),
        );
      });
      const name = basename(csvPath).replace(/\.csv$/, '.fods');
      return readFods(await readFile(join(work, name), 'utf8'));
    },
    async close() {
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The cells of one column, by its header name, below the header. */
export function sheetColumn(sheet: readonly SheetCell[][], name: string): SheetCell[] {
  const [header = [], ...rows] = sheet;
  const index = header.findIndex((cell) => cell.value === name);
  if (index < 0) throw new Error(`no column ${name} in ${header.map((c) => c.value).join(', ')}`);
  return rows
    .filter((row) => row.some((cell) => cell.type !== 'empty'))
    .map((row) => row[index] ?? { type: 'empty', value: '' });
}
