/** Problems found while reading a header: a message fragment, turned into a MediaInputError by the caller. */
export class MediaFormatProblem extends Error {}

/** Bounds-checked big/little-endian reads over a byte array; reading past the end is "truncated". */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    private readonly format: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  need(offset: number, size: number, what: string): void {
    if (offset < 0 || offset + size > this.bytes.byteLength) {
      throw new MediaFormatProblem(
        `${this.format} is truncated: ${what} needs bytes ${offset}..${offset + size} but the data ends at ${this.bytes.byteLength}`,
      );
    }
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16be(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, false);
  }

  u16le(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32be(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, false);
  }

  u32le(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  ascii(offset: number, size: number, what: string): string {
    this.need(offset, size, what);
    let text = '';
    for (let i = offset; i < offset + size; i++) text += String.fromCharCode(this.bytes[i] as number);
    return text;
  }
}
