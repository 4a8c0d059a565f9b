// CSV as RFC 4180 writes it: fields separated by commas, records by CRLF; a field holding a comma,
// a double quote, CR or LF is quoted, its quotes doubled. A field a spreadsheet would read as a
// formula (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe (OWASP "CSV
// injection"), except a number such as "-12.50". No CSV library is in the project's node_modules;
// this is the whole of what the yearly list needs.
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The UTF-8 byte order mark a CSV answer starts with: without it Excel on a Chinese Windows reads
 * the file as GBK and garbles every Chinese name.
 */
export const UTF8_BOM = '\uFEFF';

/** A header row and the records, each field written by csvField; ends with CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The records of a CSV text written by toCsv (for tests and readers): quoted fields, doubled quotes, CRLF; a leading BOM skipped. */
export function parseCsv(text: string): string[][] {
  if (text.startsWith(UTF8_BOM)) text = text.slice(UTF8_BOM.length);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
