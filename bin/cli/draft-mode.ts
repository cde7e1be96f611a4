import { detailTable, json } from "./format";
import type { Mode, Session } from "./session";
import { renameField } from "./values";

const COMMON = ["save", "exit", "cancel", "show", "help"];

/**
 * A sub-mode that edits a draft of one object, in the Avi shell's manner: words change the
 * draft, `save` sends the whole object (at any level) and goes up one level, `exit` goes up
 * keeping the changes and, at the top, discards what was not saved; `cancel` leaves at once.
 */
export abstract class DraftMode implements Mode {
  protected dirty = false;

  abstract get prompt(): string;
  /** The object's type and name, for messages. */
  protected abstract describe(): string;
  /** Words of the current level (besides save, exit, cancel, show, help). */
  protected abstract words(): string[];
  /** Applies a line starting with one of `words()`; returns whether the draft changed. */
  protected abstract word(first: string, rest: string[]): boolean;
  /** Whether the object does not exist yet (a first `save` creates it even without changes). */
  protected abstract isNew(): boolean;
  /** Creates or updates the object and prints it. */
  protected abstract commit(session: Session): Promise<void>;
  /** The draft as `show` prints it, secrets masked. */
  protected abstract pending(): Record<string, unknown>;
  /** Goes up one nested level; false when already at the top. */
  protected levelUp(): boolean {
    return false;
  }
  /** Candidates after the first word of a line. */
  protected completeWord(_words: string[]): string[] {
    return [];
  }

  /** POST (new) or PUT (existing) the whole object; errors name the field in the CLI's words. */
  protected async send<T>(
    session: Session,
    path: { resource: string; id: string | null },
    body: unknown,
    words: (field: string) => string | null,
  ): Promise<T> {
    const client = session.client();
    try {
      return path.id
        ? await client.request<T>("PUT", `/api/${path.resource}/${path.id}`, body)
        : await client.request<T>("POST", `/api/${path.resource}`, body);
    } catch (error) {
      throw renameField(error, words);
    }
  }

  async handle(line: string[], session: Session): Promise<boolean> {
    const [first, ...rest] = line;
    if (first === "save") {
      if (this.dirty || this.isNew()) await this.commit(session);
      this.dirty = false;
      this.up(session);
    } else if (first === "exit") {
      this.up(session);
    } else if (first === "cancel") {
      while (this.levelUp());
      this.leave(session);
    } else if (first === "show") {
      session.out(session.json ? json(this.pending()) : detailTable(this.pending()));
    } else if (first === "help") {
      session.out(`${this.prompt.trim()} ${[...this.words(), ...COMMON].join(", ")}`);
    } else if (first && this.words().includes(first)) {
      if (this.word(first, rest)) this.dirty = true;
    } else return false;
    return true;
  }

  private up(session: Session): void {
    if (!this.levelUp()) this.leave(session);
  }

  private leave(session: Session): void {
    session.mode = null;
    if (this.dirty) session.out("Changes discarded.");
  }

  complete(line: string[]): string[] {
    return line.length <= 1 ? [...this.words(), ...COMMON] : this.completeWord(line);
  }

  abandon(session: Session): void {
    if (this.dirty) session.err(`Unsaved changes to ${this.describe()} discarded (end with "save").`);
  }
}
