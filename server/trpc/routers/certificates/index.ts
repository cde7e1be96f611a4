import { router } from "../../init";
import { create } from "./create";
import { renew, uploadSigned } from "./csr";
import { get, history } from "./get";
import { hsmGroupChoices } from "./hsm-groups";
import { importCertificate_, reference, validateImport } from "./import";
import { inventory, removeOrphan } from "./inventory";
import { keyHolders, keyOptions } from "./key-options";
import { list } from "./list";
import { remove, testKey } from "./remove";
import { timeline } from "./timeline";

export const certificatesRouter = router({
  list,
  timeline,
  get,
  history,
  keyOptions,
  hsmGroupChoices,
  keyHolders,
  create,
  validateImport,
  import: importCertificate_,
  reference,
  uploadSigned,
  renew,
  remove,
  testKey,
  inventory,
  removeOrphan,
});
