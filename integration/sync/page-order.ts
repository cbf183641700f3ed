// Where a connector's cursor may stand when its pages are written side by side (a manifest's
// `schedule.writers` above one). Pages are fetched in order, one cursor after another, but their
// transactions may commit out of order: the stored cursor must never pass a page that has not
// committed, or a crash would lose it. So the cursor moves only to the end of the longest run of
// committed pages from the start, and only by one writer of cursors at a time (the engine chains
// the moves), so it never moves back. A page committed past the cursor and taken again after a
// crash is found unchanged: nothing is lost and nothing is stored twice.

export class PageOrder {
  /** The cursor after each page started, by the page's number in the run. */
  private readonly cursors: string[] = [];
  private readonly committed: boolean[] = [];
  /** Pages 0 … through−1 have all committed. */
  private through = 0;
  /** The number of pages the stored cursor is past (moves only forward). */
  private moved = 0;

  /** A page fetched and about to be written; its number in the run. */
  start(nextCursor: string): number {
    this.cursors.push(nextCursor);
    this.committed.push(false);
    return this.cursors.length - 1;
  }

  /**
   * The page committed. The cursor to store now (after the longest run of committed pages from the
   * start), or undefined when it stays where it is.
   */
  commit(page: number): string | undefined {
    this.committed[page] = true;
    while (this.through < this.committed.length && this.committed[this.through]) this.through++;
    if (this.through <= this.moved) return undefined;
    this.moved = this.through;
    return this.cursors[this.through - 1];
  }
}
