/**
 * Small edits to the registry files the scaffolds extend: a line added inside a known block or before a
 * known line, found by parsing the file as it is now (other engineers edit these files too, so nothing is
 * rewritten from a copy, and no marker comments are needed). A block or line that is no longer there is a
 * ScaffoldError naming the file, raised while planning, before anything is written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export class ScaffoldError extends Error {}

const indentOf = (line: string) => line.length - line.trimStart().length;

export class RegistryEdit {
  readonly original: string;
  private readonly lines: string[];

  constructor(
    readonly root: string,
    /** Relative to the root, as errors name it. */
    readonly file: string,
  ) {
    const full = path.join(root, file);
    try {
      this.original = readFileSync(full, 'utf8');
    } catch {
      throw new ScaffoldError(`${file} is missing: the scaffold registers the system there`);
    }
    this.lines = this.original.split('\n');
  }

  get path(): string {
    return path.join(this.root, this.file);
  }

  text(): string {
    return this.lines.join('\n');
  }

  private gone(what: string): never {
    throw new ScaffoldError(
      `${this.file} no longer has ${what}, where the scaffold registers the system: restore it, or register the system there by hand`,
    );
  }

  private find(test: (line: string) => boolean, what: string, from = 0): number {
    const i = this.lines.findIndex((line, n) => n >= from && test(line));
    return i < 0 ? this.gone(what) : i;
  }

  /** The lines strictly inside the block opened by the line starting with `opener` (a `[`, `{` or `(` at its end). */
  private block(opener: string, from = 0): { open: number; close: number } {
    const what = `the block \`${opener.trim()}\``;
    const open = this.find((l) => l.startsWith(opener), what, from);
    if (!/[[{(]$/.test(this.lines[open].trimEnd())) this.gone(`${what} written over several lines`);
    const indent = indentOf(this.lines[open]);
    const close = this.find(
      (l) => l.trim() !== '' && indentOf(l) === indent && /^[\]})]/.test(l.trimStart()),
      `the end of ${what}`,
      open + 1,
    );
    return { open, close };
  }

  /** Whether a line inside the block equals `line` once trimmed (the system is already registered there). */
  private has(range: { open: number; close: number }, line: string): boolean {
    return this.lines.slice(range.open + 1, range.close).some((l) => l.trim() === line.trim());
  }

  private insert(at: number, lines: string[]): void {
    this.lines.splice(at, 0, ...lines);
  }

  /** `entry` (one line, no indentation) as the block's last entry, indented as the block's entries. */
  addToBlock(opener: string, entry: string, opts: { within?: string } = {}): this {
    const from = opts.within ? this.block(opts.within).open : 0;
    const range = this.block(opener, from);
    if (this.has(range, entry)) throw new ScaffoldError(`${this.file} already has \`${entry.trim()}\``);
    const inner = this.lines.slice(range.open + 1, range.close).find((l) => l.trim() !== '');
    const indent = inner ? indentOf(inner) : indentOf(this.lines[range.open]) + 2;
    this.insert(range.close, [' '.repeat(indent) + entry]);
    return this;
  }

  /**
   * `lines` (already indented) just before the first line starting with `anchor`, inside the block opened
   * by `within` (or anywhere, without one).
   */
  addBefore(anchor: string, lines: string[], opts: { within?: string; above?: 'comments' } = {}): this {
    const range = opts.within ? this.block(opts.within) : { open: -1, close: this.lines.length };
    const what = `the line \`${anchor.trim()}\`${opts.within ? ` in \`${opts.within.trim()}\`` : ''}`;
    let at = this.find((l) => l.startsWith(anchor), what, range.open + 1);
    if (at >= range.close) this.gone(what);
    if (this.has(range, lines[0])) throw new ScaffoldError(`${this.file} already has \`${lines[0].trim()}\``);
    // Keep a comment with the line it describes: insert above it.
    if (opts.above === 'comments') while (at > 0 && this.lines[at - 1].trim().startsWith('//')) at--;
    this.insert(at, lines);
    return this;
  }

  /** An import after the file's last import. */
  addImport(line: string): this {
    if (this.lines.includes(line)) throw new ScaffoldError(`${this.file} already has \`${line}\``);
    const firstCode = this.lines.findIndex((l) =>
      /^(export |const |function |class |let |type |interface )/.test(l),
    );
    const header = firstCode < 0 ? this.lines : this.lines.slice(0, firstCode);
    const last = header.map((l) => /^(import .*|\}) from '[^']+';$/.test(l)).lastIndexOf(true);
    if (last < 0) this.gone('its imports');
    this.insert(last + 1, [line]);
    return this;
  }

  /** The quoted names listed in a block (SYSTEMS, WEBHOOK_SOURCE_NAMES) or its keys (`hubspot: …`). */
  namesIn(opener: string): string[] {
    const range = this.block(opener);
    const inner = this.lines.slice(range.open + 1, range.close).filter((l) => l.trim() !== '');
    const indent = inner.length > 0 ? indentOf(inner[0]) : 0;
    return inner
      .filter((l) => indentOf(l) === indent)
      .map((l) => /^\s*'?([A-Za-z0-9_-]+)'?\s*[:,]/.exec(l)?.[1])
      .filter((name): name is string => name !== undefined);
  }
}
