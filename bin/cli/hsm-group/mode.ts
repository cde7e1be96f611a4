import { DraftMode } from "../draft-mode";
import { usage } from "../errors";
import { detailTable, json } from "../format";
import type { Session } from "../session";
import {
  applyServer,
  fieldWords,
  fromGroup,
  type GroupDraft,
  removeServer,
  SERVER_WORDS,
  TYPE_WORDS,
  toInput,
  typeFromWord,
} from "./draft";
import { type GroupLike, groupSummary } from "./summary";

const RESOURCE = "hardwaresecuritymodulegroup";
type Level = "group" | "hsm" | "sluna";

const WORDS: Record<Level, string[]> = {
  group: ["hsm"],
  hsm: ["type", "sluna", "module_library", "module_env"],
  sluna: ["server", "is_ha", "no"],
};

/** For `help`: the nested words, level by level. */
export const HSM_GROUP_HELP = [
  "configure hardwaresecuritymodulegroup NAME",
  "  hsm type hsm_type_safenet_luna|hsm_type_lab_appliance|…   (enters :hsm)",
  "  :hsm  sluna   (enters :hsm:sluna)   module_library PATH   module_env NAME=value (NAME= removes)",
  "  :hsm:sluna  server remote_ip IP server_cert file:F partition P partition_passwd X [index N] [port N]",
  "              is_ha | no is_ha | no server index N",
];

/**
 * `configure hardwaresecuritymodulegroup NAME`, nested as in the Avi shell and the document:
 * group → `hsm type …` → `sluna` → `server …` / `is_ha`. Saving goes through the same
 * create/update procedures as the browser form, with its errors named in the CLI's words.
 */
export class HsmGroupMode extends DraftMode {
  private level: Level = "group";

  constructor(
    private draft: GroupDraft,
    private id: string | null,
  ) {
    super();
  }

  get prompt(): string {
    return { group: `${RESOURCE}> `, hsm: `${RESOURCE}:hsm> `, sluna: `${RESOURCE}:hsm:sluna> ` }[this.level];
  }

  protected describe(): string {
    return `${RESOURCE} ${this.draft.name}`;
  }

  protected words(): string[] {
    return WORDS[this.level];
  }

  protected isNew(): boolean {
    return this.id === null;
  }

  protected override levelUp(): boolean {
    if (this.level === "group") return false;
    this.level = this.level === "sluna" ? "hsm" : "group";
    return true;
  }

  protected word(word: string, rest: string[]): boolean {
    if (word === "hsm") {
      // `hsm type hsm_type_safenet_luna` sets the type and enters the hsm level, as in the document.
      this.level = "hsm";
      if (rest.length) this.hsmWord(rest);
      return rest.length > 0;
    }
    if (word === "sluna") {
      this.level = "sluna";
      return false;
    }
    if (this.level === "hsm") this.hsmWord([word, ...rest]);
    else if (word === "server") applyServer(this.draft, rest);
    else if (word === "is_ha") {
      if (rest[0] !== undefined && rest[0] !== "true" && rest[0] !== "false") {
        throw usage("is_ha takes true or false.");
      }
      this.draft.isHa = rest[0] !== "false";
    } else if (rest[0] === "is_ha") this.draft.isHa = false;
    else if (rest[0] === "server") removeServer(this.draft, rest.slice(1));
    else throw usage(`Use "no is_ha" or "no server index N".`);
    return true;
  }

  private hsmWord([word, value, ...more]: string[]): void {
    if (more.length) throw usage(`One setting per line: ${word} ${value}`);
    if (word === "type") this.draft.type = typeFromWord(value);
    else if (word === "module_library" && value) this.draft.moduleLibrary = value;
    else if (word === "module_env" && value?.includes("=")) {
      const [name = "", ...rest] = value.split("=");
      if (rest.join("=") === "") delete this.draft.moduleEnv[name];
      else this.draft.moduleEnv[name] = rest.join("=");
    } else throw usage("At the hsm level: type TYPE, module_library PATH, module_env NAME=value, sluna.");
  }

  /** Creates or updates the group; the answer (with server ids) becomes the new starting point. */
  protected async commit(session: Session): Promise<void> {
    const saved = await this.send<Parameters<typeof fromGroup>[0] & GroupLike>(
      session,
      { resource: RESOURCE, id: this.id },
      toInput(this.draft),
      fieldWords,
    );
    this.id = saved.id;
    this.draft = fromGroup(saved);
    session.out(session.json ? json(saved) : detailTable(groupSummary(saved)));
  }

  /** Partition passwords and PEMs show only as "<set>". */
  protected pending(): Record<string, unknown> {
    return groupSummary(toInput(this.draft) as unknown as GroupLike, true);
  }

  protected override completeWord(words: string[]): string[] {
    const [first] = words;
    if (words.at(-2) === "type") return Object.keys(TYPE_WORDS);
    if (first === "hsm" && words.length === 2) return ["type"];
    if (first === "server" && words.length % 2 === 0) return SERVER_WORDS;
    if (first === "no" && words.length === 2) return ["is_ha", "server"];
    return [];
  }
}
