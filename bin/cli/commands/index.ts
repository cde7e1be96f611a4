import { commands, registerCommand } from "../registry";
import { actionCommand, actionVerbs } from "./action";
import { backup } from "./backup";
import { configure } from "./configure";
import { create } from "./create";
import { remove } from "./delete";
import { download } from "./download";
import { help } from "./help";
import { hsm } from "./hsm";
import { importCommand } from "./import";
import { login } from "./login";
import { renew } from "./renew";
import { restore } from "./restore";
import { service } from "./service";
import { show } from "./show";
import { upload } from "./upload";

/**
 * Every CLI command; a feature adds its file under bin/cli/commands/ and one line here.
 * Resource actions of the REST table (`actions: { reboot: ... }`) become verbs by themselves.
 */
export function registerAllCommands(): void {
  if (commands().length) return;
  for (const command of [
    show,
    configure,
    remove,
    create,
    importCommand,
    renew,
    download,
    login,
    help,
    hsm,
    upload,
    backup,
    restore,
    service,
  ])
    registerCommand(command);
  const taken = new Set(commands().map((c) => c.verb));
  for (const verb of actionVerbs()) if (!taken.has(verb)) registerCommand(actionCommand(verb));
}
