import { router } from "../../init";
import { login } from "./login";
import { logout } from "./logout";
import { setup } from "./setup";
import { status } from "./status";

export const authRouter = router({ status, setup, login, logout });
