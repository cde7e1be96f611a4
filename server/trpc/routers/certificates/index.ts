import { router } from "../../init";
import { create } from "./create";
import { renew, uploadSigned } from "./csr";
import { get, history } from "./get";
import { importCertificate_, reference, validateImport } from "./import";
import { inventory, removeOrphan } from "./inventory";
import { hsmGroupChoices, keyHolders, keyOptions } from "./key-options";
import { list, timeline } from "./list";
import { remove, testKey } from "./remove";

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
