import { registerCommand } from "../registry";
import { configure } from "./configure";
import { remove } from "./delete";
import { help } from "./help";
import { login } from "./login";
import { show } from "./show";

/** Every CLI command; a feature adds its file under bin/cli/commands/ and one line here. */
export function registerAllCommands(): void {
  for (const command of [show, configure, remove, login, help]) registerCommand(command);
}
