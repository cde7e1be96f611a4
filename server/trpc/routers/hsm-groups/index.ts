import { router } from "../../init";
import { clientCertificate, clients, serverCerts } from "./clients";
import { create } from "./create";
import { get } from "./get";
import { libraries } from "./libraries";
import { list } from "./list";
import { parseServerCert } from "./parse-server-cert";
import { checkNow, registerClients, rotateClient, trustServerCert } from "./registration";
import { remove } from "./remove";
import { update } from "./update";

export const hsmGroupsRouter = router({
  list,
  libraries,
  get,
  create,
  update,
  remove,
  parseServerCert,
  clients,
  clientCertificate,
  serverCerts,
  checkNow,
  registerClients,
  rotateClient,
  trustServerCert,
});
