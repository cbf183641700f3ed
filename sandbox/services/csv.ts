// CSV as a spreadsheet export writes it (RFC 4180: CRLF line ends, fields quoted when they hold a
// comma, a quote or a line break, quotes doubled), encoded in GB18030 like the civil-affairs
// system's exports.
import iconv from "iconv-lite";

export type CsvCell = string | number | boolean | null | undefined;

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [headers.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function encodeGb18030(text: string): Buffer {
  return iconv.encode(text, "gb18030");
}
