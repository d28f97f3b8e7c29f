// Writes a Stata .dta file in format 118 (Stata 14 and later, UTF-8): numeric and string variables, variable labels and value labels; read back in tests by R's haven and pandas.
// Layout from Stata's "dta" file-format documentation (help dta): header, map, variable_types, varnames, sortlist,
// formats, value_label_names, variable_labels, characteristics, data, strls, value_labels, little-endian throughout.

export type DtaColumn =
  | { name: string; label: string; type: 'double'; values: Array<number | null> }
  /** Whole numbers that fit a 32-bit long; `valueLabels` names a label set (codes must be whole numbers). */
  | { name: string; label: string; type: 'long'; values: Array<number | null>; valueLabels?: string }
  | { name: string; label: string; type: 'string'; values: Array<string | null> };

export interface DtaFile {
  /** Dataset label (at most 80 bytes). */
  label: string;
  columns: DtaColumn[];
  /** Label sets: name -> code -> text. */
  valueLabels: Record<string, Array<{ code: number; text: string }>>;
  timestamp: Date;
}

const TYPE_DOUBLE = 65526;
const TYPE_LONG = 65528;
/** Stata's system missing "." for doubles and longs. */
const MISSING_DOUBLE = Buffer.from([0, 0, 0, 0, 0, 0, 0xe0, 0x7f]); // 2^1023, little-endian
const MISSING_LONG = 2147483621;
const MAX_LONG = 2147483620;
const MAX_STR = 2045;

const enc = new TextEncoder();

/** A Stata name: letters, digits and _, not starting with a digit, at most 32 characters. */
export function isStataName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name);
}

/** Cuts text to at most `maxBytes` UTF-8 bytes at a word boundary where one is near, never inside a character. */
export function fitBytes(text: string, maxBytes: number): string {
  if (enc.encode(text).length <= maxBytes) return text;
  let cut = '';
  for (const ch of text) {
    if (enc.encode(cut + ch + '...').length > maxBytes) break;
    cut += ch;
  }
  const space = cut.lastIndexOf(' ');
  return `${(space > cut.length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}...`;
}

function fixed(text: string, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  Buffer.from(enc.encode(text)).copy(b, 0, 0, bytes - 1); // always NUL-terminated
  return b;
}

const tag = (s: string) => Buffer.from(s, 'latin1');
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };

function stataTimestamp(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** Checks what Stata would refuse; throws one sentence naming the variable. */
function check(file: DtaFile): void {
  const seen = new Set<string>();
  const n = file.columns[0]?.values.length ?? 0;
  for (const c of file.columns) {
    if (!isStataName(c.name)) throw new Error(`"${c.name}" is not a Stata variable name (letters, digits and _, at most 32)`);
    if (seen.has(c.name)) throw new Error(`variable ${c.name} appears twice`);
    seen.add(c.name);
    if (c.values.length !== n) throw new Error(`variable ${c.name} has ${c.values.length} values, not ${n}`);
    if (c.type === 'long') {
      for (const v of c.values) if (v !== null && !(Number.isInteger(v) && Math.abs(v) <= MAX_LONG)) throw new Error(`variable ${c.name} holds ${v}, not a whole number Stata's long can store`);
      if (c.valueLabels && !file.valueLabels[c.valueLabels]) throw new Error(`variable ${c.name} names the label set ${c.valueLabels}, which is not defined`);
    }
    if (c.type === 'double') for (const v of c.values) if (v !== null && !Number.isFinite(v)) throw new Error(`variable ${c.name} holds ${v}`);
  }
  for (const [name, entries] of Object.entries(file.valueLabels)) {
    if (!isStataName(name)) throw new Error(`"${name}" is not a Stata label name`);
    for (const e of entries) if (!Number.isInteger(e.code) || Math.abs(e.code) > MAX_LONG) throw new Error(`label ${name} has the code ${e.code}, not a whole number`);
  }
}

/** The bytes of a format-118 .dta file. */
export function writeDta(file: DtaFile): Buffer {
  check(file);
  const cols = file.columns;
  const nobs = cols[0]?.values.length ?? 0;
  const strWidth = (c: DtaColumn) => Math.min(MAX_STR, Math.max(1, ...(c.values as Array<string | null>).map((v) => (v === null ? 0 : enc.encode(v).length))));
  const widths = cols.map((c) => (c.type === 'string' ? strWidth(c) : c.type === 'double' ? 8 : 4));
  const types = cols.map((c, i) => (c.type === 'string' ? widths[i] : c.type === 'double' ? TYPE_DOUBLE : TYPE_LONG));

  const label = Buffer.from(enc.encode(fitBytes(file.label, 80)));
  const ts = stataTimestamp(file.timestamp);
  const header = Buffer.concat([tag('<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>'), u16(cols.length), tag('</K><N>'), u64(nobs),
    tag('</N><label>'), u16(label.length), label, tag('</label><timestamp>'), Buffer.from([ts.length]), tag(ts), tag('</timestamp></header>')]);

  const sections: Buffer[] = [];
  sections.push(Buffer.concat([tag('<variable_types>'), ...types.map(u16), tag('</variable_types>')]));
  sections.push(Buffer.concat([tag('<varnames>'), ...cols.map((c) => fixed(c.name, 129)), tag('</varnames>')]));
  sections.push(Buffer.concat([tag('<sortlist>'), ...Array.from({ length: cols.length + 1 }, () => u16(0)), tag('</sortlist>')]));
  const format = (c: DtaColumn, i: number) => (c.type === 'string' ? `%${Math.min(widths[i], 244)}s` : c.type === 'double' ? '%10.0g' : '%12.0g');
  sections.push(Buffer.concat([tag('<formats>'), ...cols.map((c, i) => fixed(format(c, i), 57)), tag('</formats>')]));
  sections.push(Buffer.concat([tag('<value_label_names>'), ...cols.map((c) => fixed(c.type === 'long' ? c.valueLabels ?? '' : '', 129)), tag('</value_label_names>')]));
  sections.push(Buffer.concat([tag('<variable_labels>'), ...cols.map((c) => fixed(fitBytes(c.label, 80), 321)), tag('</variable_labels>')]));
  sections.push(tag('<characteristics></characteristics>'));

  const rowBytes = widths.reduce((a, b) => a + b, 0);
  const data = Buffer.alloc(rowBytes * nobs);
  let at = 0;
  for (let r = 0; r < nobs; r++) {
    cols.forEach((c, i) => {
      const v = c.values[r];
      if (c.type === 'double') { if (v === null) MISSING_DOUBLE.copy(data, at); else data.writeDoubleLE(v as number, at); }
      else if (c.type === 'long') data.writeInt32LE(v === null ? MISSING_LONG : (v as number), at);
      else if (v !== null) Buffer.from(enc.encode(v as string)).copy(data, at, 0, widths[i]);
      at += widths[i];
    });
  }
  sections.push(Buffer.concat([tag('<data>'), data, tag('</data>')]));
  sections.push(tag('<strls></strls>'));

  const tables = Object.entries(file.valueLabels).map(([name, entries]) => {
    const texts = entries.map((e) => Buffer.concat([Buffer.from(enc.encode(fitBytes(e.text, 32000))), Buffer.from([0])]));
    const offsets: number[] = [];
    let off = 0;
    for (const t of texts) { offsets.push(off); off += t.length; }
    const table = Buffer.concat([i32(entries.length), i32(off), ...offsets.map(i32), ...entries.map((e) => i32(e.code)), ...texts]);
    return Buffer.concat([tag('<lbl>'), u32(table.length), fixed(name, 129), Buffer.alloc(3), table, tag('</lbl>')]);
  });
  sections.push(Buffer.concat([tag('<value_labels>'), ...tables, tag('</value_labels>')]));

  // The map: offsets of <stata_dta>, <map>, each section, </stata_dta> and the end of the file.
  const mapLength = tag('<map>').length + 14 * 8 + tag('</map>').length;
  const offsets: number[] = [0, header.length];
  let pos = header.length + mapLength;
  for (const s of sections) { offsets.push(pos); pos += s.length; }
  offsets.push(pos); // </stata_dta>
  const end = tag('</stata_dta>');
  offsets.push(pos + end.length);
  const map = Buffer.concat([tag('<map>'), ...offsets.map(u64), tag('</map>')]);
  return Buffer.concat([header, map, ...sections, end]);
}
