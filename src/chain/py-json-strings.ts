/**
 * The reading of JSON strings for py-json-parse.ts: escapes as Python decodes them, and strings
 * kept apart from the body they were cut from (each its own copy, short ones shared per parse).
 */
/**
 * V8 makes a cut of this many characters or more (String.prototype.slice) a view into the string
 * it was cut from, not a copy: one such string kept alive (a block's previous_hash) keeps the
 * whole body it was parsed from (megabytes) alive with it. Shorter cuts are copies already.
 */
const SLICE_MIN_LENGTH = 13;
/**
 * Strings up to this long that a parse has met are handed out again rather than kept twice: a
 * chain repeats its senders and recipients (a miner's address in every reward) in every block.
 */
export const MAX_SHARED_LENGTH = 48;
/** How many such strings a parse remembers, so that a body of distinct strings cannot grow it. */
export const MAX_SHARED = 1024;

/** Malformed input; the message is the reason parseJson gives. */
export class JsonSyntaxError extends Error {}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Reads the string values of one text; one per parse, as it remembers the strings it has met. */
export class StringReader {
  private readonly text: string;
  private pos = 0;
  /** Short strings met so far, each its own copy (see own()). */
  private readonly shared = new Map<string, string>();
  /** The plain string last read of each length up to MAX_SHARED_LENGTH, as own() gave it. */
  private readonly lastOfLength: (string | undefined)[] = new Array<string | undefined>(MAX_SHARED_LENGTH + 1).fill(undefined);
  /**
   * Set once a string read holds an escape or a character from U+007F on, and once one holds ','
   * or ':' (for the parser's keepText, which clears them; see keepText in py-json-parse.ts).
   */
  wide = false;
  separators = false;

  constructor(text: string) {
    this.text = text;
  }

  /** The position just past the closing quote of the string last read. */
  get end(): number {
    return this.pos;
  }

  /** The string whose opening quote is at `open`; throws JsonSyntaxError if it is malformed. */
  read(open: number): string {
    const text = this.text;
    // Most strings are printable ASCII without escapes: cut out in one piece once the quote is found.
    let pos = open + 1;
    for (let code = text.charCodeAt(pos); code !== 0x22; code = text.charCodeAt(++pos)) {
      // Anything else (NaN past the end included) is read by readEscaped, from the start again.
      if (!(code >= 0x20 && code < 0x7f) || code === 0x5c) return this.readEscaped(open);
      if (code === 0x2c || code === 0x3a) this.separators = true;
    }
    this.pos = pos + 1;
    const length = pos - open - 1;
    if (length > MAX_SHARED_LENGTH) return ownCopy(text.slice(open + 1, pos), true);
    // The string last read at this length, when the text holds it again (a block's sender, its
    // reward's "0"): neither cut nor looked up.
    const last = this.lastOfLength[length];
    if (last !== undefined && text.startsWith(last, open + 1)) return last;
    return (this.lastOfLength[length] = this.own(text.slice(open + 1, pos), true));
  }

  /** read() for a string that holds an escape, a character from U+007F on, or is malformed. */
  private readEscaped(open: number): string {
    this.pos = open + 1;
    let result = '';
    let chunk = this.pos; // start of the run of plain characters not yet copied
    for (;;) {
      const code = this.text.charCodeAt(this.pos); // NaN past the end
      if (code === 0x22) {
        result += this.text.slice(chunk, this.pos);
        this.pos++;
        return this.own(result, chunk === open + 1);
      }
      if (code === 0x5c) {
        this.wide = true;
        result += this.text.slice(chunk, this.pos) + this.escape();
        chunk = this.pos;
      } else if (code >= 0x20) {
        if (code >= 0x7f) this.wide = true;
        else if (code === 0x2c || code === 0x3a) this.separators = true;
        this.pos++;
      } else if (Number.isNaN(code)) {
        throw new JsonSyntaxError(`unterminated string starting at position ${open}`);
      } else {
        throw new JsonSyntaxError(`control character ${describe(code)} in string at position ${this.pos}`);
      }
    }
  }

  /**
   * `cut`, a string value just read, as the string to keep: one that holds none of the body (see
   * ownCopy), and for a short one met before, the copy already made. `plain`: no escape was met.
   */
  private own(cut: string, plain: boolean): string {
    if (cut.length > MAX_SHARED_LENGTH) return ownCopy(cut, plain);
    const known = this.shared.get(cut);
    if (known !== undefined) return known;
    // A cut shorter than SLICE_MIN_LENGTH is a copy already, so it may be remembered as it is.
    const copy = cut.length < SLICE_MIN_LENGTH ? cut : ownCopy(cut, plain);
    if (this.shared.size < MAX_SHARED) this.shared.set(copy, copy);
    return copy;
  }

  /**
   * Decodes the escape at pos (a backslash). Each \uXXXX is one UTF-16 unit, so an escaped pair
   * becomes the character it encodes and a lone surrogate stays lone, just as Python decodes them.
   */
  private escape(): string {
    const at = this.pos;
    const letter = this.text[at + 1];
    if (letter === 'u') {
      // Read by hand, not by a RegExp: V8 keeps a RegExp's last subject (RegExp.input), and the
      // subject here is the whole body, which would then outlive the parse.
      let unit = 0;
      for (let i = at + 2; i < at + 6; i++) {
        const digit = hexDigit(this.text.charCodeAt(i));
        if (digit < 0) throw new JsonSyntaxError(`invalid \\uXXXX escape at position ${at}`);
        unit = unit * 16 + digit;
      }
      this.pos = at + 6;
      return String.fromCharCode(unit);
    }
    const decoded = letter === undefined ? undefined : SIMPLE_ESCAPES[letter];
    if (decoded === undefined) {
      if (letter === undefined) throw new JsonSyntaxError(`unterminated string at position ${at}`);
      throw new JsonSyntaxError(`invalid escape: ${describe(letter.charCodeAt(0))} after '\\' at position ${at}`);
    }
    this.pos = at + 2;
    return decoded;
  }
}

/** A character for an error message: 'x' when printable ASCII, else U+XXXX. */
export function describe(code: number): string {
  if (code === 0x27) return `"'"`;
  if (code >= 0x20 && code <= 0x7e) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The value of a hexadecimal digit's character code, or -1 (NaN, past the end, included). */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20; // 'A'-'F' to 'a'-'f'
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * `cut` (cut out of the body, or joined from such cuts when the string had escapes) as a string of
 * its own, holding none of the body: JSON.parse builds its strings anew. A plain cut (no escape
 * met) has no '"', '\\' or control character in it, so quoted it is a JSON string as it stands.
 * Measured on the bench's 10,000-block chain (2.76 MB): the parse takes about 13 ms rather than
 * 10, and what it leaves on the heap once the body is gone falls from 4.4 MB (the body kept) to
 * 1.0 MB with the sharing in own(). ' ' + cut, cut again, would be cheaper, but V8 keeps that as a
 * cut of the joined string, 40 bytes more for each.
 */
function ownCopy(cut: string, plain: boolean): string {
  return JSON.parse(plain ? `"${cut}"` : JSON.stringify(cut)) as string;
}
