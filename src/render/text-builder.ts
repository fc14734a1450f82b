// Builds a large text (a report of 100,000 rows) as UTF-8 bytes in one growing buffer. Each
// appended piece is garbage as soon as it is copied, so the collector never has to move
// thousands of row strings around while the document grows; joining them cost a 10,000-row
// JSON report a third of its rendering time.
export class TextBuilder {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  append(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const needed = this.length + text.length * 3;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  toString(): string {
    return this.bytes.toString('utf8', 0, this.length);
  }
}
