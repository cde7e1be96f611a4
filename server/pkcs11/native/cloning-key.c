/*
 * hsm-cloning-key: the security officer's one-time creation of a cloning-domain key, with the
 * attribute-array controls pkcs11js 2.1.7 cannot pass (an array value aborts it):
 *   CKA_UNWRAP_TEMPLATE {CKA_CLASS=PRIVATE_KEY, CKA_SENSITIVE=TRUE, CKA_EXTRACTABLE=FALSE}
 *     whatever the key unwraps must be a sensitive, non-extractable private key;
 *   CKA_WRAP_TEMPLATE {CKA_WRAP_WITH_TRUSTED=TRUE}
 *     it wraps only keys marked for trusted wrapping (the HA sources).
 *
 * Usage (secrets on stdin, never in arguments or the environment):
 *   hsm-cloning-key create --module LIB --token LABEL --label LABEL --id HEX [--no-templates]
 *       stdin: line 1 the SO PIN, line 2 the key value (64 hex digits, AES-256)
 *   hsm-cloning-key show --module LIB --token LABEL --label LABEL
 *       prints the domain key's flags and its two templates as the token stores them
 * Prints one JSON line; on a PKCS#11 failure {"ok":false,"call":"C_…","rv":N} and exit 2.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;

static void fail(const char *call, CK_RV rv) {
  printf("{\"ok\":false,\"call\":\"%s\",\"rv\":%lu}\n", call, (unsigned long)rv);
  exit(2);
}

static void usage(const char *why) {
  printf("{\"ok\":false,\"usage\":\"%s\"}\n", why);
  exit(64);
}

#define CHECK(call, expr)                 \
  do {                                    \
    CK_RV rv_ = (expr);                   \
    if (rv_ != CKR_OK) fail(call, rv_);   \
  } while (0)

static const char *arg(int argc, char **argv, const char *name) {
  for (int i = 2; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return NULL;
}

static int flag(int argc, char **argv, const char *name) {
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], name) == 0) return 1;
  return 0;
}

static size_t unhex(const char *hex, unsigned char *out, size_t max) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > max) usage("hex value of the wrong length");
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int b;
    if (sscanf(hex + 2 * i, "%2x", &b) != 1) usage("not hex");
    out[i] = (unsigned char)b;
  }
  return n / 2;
}

static void read_line(char *buf, size_t size) {
  if (!fgets(buf, (int)size, stdin)) usage("stdin ended early");
  buf[strcspn(buf, "\r\n")] = 0;
}

/* Loads the module, finds the token by label, opens a read-write session. */
static CK_SESSION_HANDLE open_token(const char *module, const char *label) {
  void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  if (!lib) usage("module cannot be loaded");
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  if (!get) usage("not a PKCS#11 module");
  CHECK("C_GetFunctionList", get(&f));
  CK_C_INITIALIZE_ARGS init = {0};
  init.flags = CKF_OS_LOCKING_OK;
  CHECK("C_Initialize", f->C_Initialize(&init));
  CK_SLOT_ID slots[64];
  CK_ULONG count = 64;
  CHECK("C_GetSlotList", f->C_GetSlotList(CK_TRUE, slots, &count));
  for (CK_ULONG i = 0; i < count; i++) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
    size_t len = sizeof info.label;
    while (len > 0 && info.label[len - 1] == ' ') len--;
    if (len == strlen(label) && memcmp(info.label, label, len) == 0) {
      CK_SESSION_HANDLE s;
      CHECK("C_OpenSession", f->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s));
      return s;
    }
  }
  usage("token not found");
  return 0;
}

static int create(int argc, char **argv) {
  const char *module = arg(argc, argv, "--module"), *token = arg(argc, argv, "--token");
  const char *label = arg(argc, argv, "--label"), *idhex = arg(argc, argv, "--id");
  if (!module || !token || !label || !idhex) usage("create needs --module --token --label --id");
  int templates = !flag(argc, argv, "--no-templates");
  char pin[256], hex[160];
  unsigned char value[32], id[64];
  read_line(pin, sizeof pin);
  read_line(hex, sizeof hex);
  if (unhex(hex, value, sizeof value) != 32) usage("the key value must be 32 bytes");
  memset(hex, 0, sizeof hex);
  CK_ULONG idlen = unhex(idhex, id, sizeof id);

  CK_SESSION_HANDLE s = open_token(module, token);
  CHECK("C_Login", f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)pin, strlen(pin)));
  memset(pin, 0, sizeof pin);

  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_OBJECT_CLASS secret = CKO_SECRET_KEY, privateKey = CKO_PRIVATE_KEY;
  CK_KEY_TYPE aes = CKK_AES;
  CK_ATTRIBUTE unwrapTemplate[] = {
      {CKA_CLASS, &privateKey, sizeof privateKey},
      {CKA_SENSITIVE, &yes, sizeof yes},
      {CKA_EXTRACTABLE, &no, sizeof no},
  };
  CK_ATTRIBUTE wrapTemplate[] = {{CKA_WRAP_WITH_TRUSTED, &yes, sizeof yes}};
  /* CKA_PRIVATE false: an SO session can create only public objects (and SoftHSM lets only
     the SO set CKA_TRUSTED). */
  CK_ATTRIBUTE t[] = {
      {CKA_CLASS, &secret, sizeof secret},
      {CKA_KEY_TYPE, &aes, sizeof aes},
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_PRIVATE, &no, sizeof no},
      {CKA_SENSITIVE, &yes, sizeof yes},
      {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_TRUSTED, &yes, sizeof yes},
      {CKA_WRAP, &yes, sizeof yes},
      {CKA_UNWRAP, &yes, sizeof yes},
      {CKA_ENCRYPT, &no, sizeof no},
      {CKA_DECRYPT, &no, sizeof no},
      {CKA_SIGN, &no, sizeof no},
      {CKA_VERIFY, &no, sizeof no},
      {CKA_DERIVE, &no, sizeof no},
      {CKA_MODIFIABLE, &no, sizeof no},
      {CKA_VALUE, value, sizeof value},
      {CKA_LABEL, (void *)label, strlen(label)},
      {CKA_ID, id, idlen},
      {CKA_UNWRAP_TEMPLATE, unwrapTemplate, sizeof unwrapTemplate},
      {CKA_WRAP_TEMPLATE, wrapTemplate, sizeof wrapTemplate},
  };
  CK_ULONG n = sizeof t / sizeof t[0] - (templates ? 0 : 2);
  CK_OBJECT_HANDLE key;
  CK_RV rv = f->C_CreateObject(s, t, n, &key);
  memset(value, 0, sizeof value);
  if (rv != CKR_OK) fail("C_CreateObject", rv);
  f->C_Logout(s);
  f->C_CloseSession(s);
  f->C_Finalize(NULL);
  printf("{\"ok\":true,\"templates\":%s}\n", templates ? "true" : "false");
  return 0;
}

/* Prints one stored template as {"CKA_x":value}; values here are CK_BBOOL or CK_ULONG. */
static void print_template(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a = {type, NULL, 0};
  CK_RV rv = f->C_GetAttributeValue(s, key, &a, 1);
  if (rv != CKR_OK || a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen == 0) {
    printf("null");
    return;
  }
  CK_ULONG count = a.ulValueLen / sizeof(CK_ATTRIBUTE);
  CK_ATTRIBUTE *inner = calloc(count, sizeof(CK_ATTRIBUTE));
  a.pValue = inner;
  CHECK("C_GetAttributeValue(size)", f->C_GetAttributeValue(s, key, &a, 1));
  for (CK_ULONG i = 0; i < count; i++) inner[i].pValue = calloc(1, inner[i].ulValueLen + 1);
  CHECK("C_GetAttributeValue(template)", f->C_GetAttributeValue(s, key, &a, 1));
  printf("{");
  for (CK_ULONG i = 0; i < count; i++) {
    unsigned long v = inner[i].ulValueLen == sizeof(CK_ULONG) ? *(CK_ULONG *)inner[i].pValue
                                                              : *(CK_BBOOL *)inner[i].pValue;
    printf("%s\"%lu\":%lu", i ? "," : "", (unsigned long)inner[i].type, v);
    free(inner[i].pValue);
  }
  printf("}");
  free(inner);
}

static int show(int argc, char **argv) {
  const char *module = arg(argc, argv, "--module"), *token = arg(argc, argv, "--token");
  const char *label = arg(argc, argv, "--label");
  if (!module || !token || !label) usage("show needs --module --token --label");
  CK_SESSION_HANDLE s = open_token(module, token);
  CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &secret, sizeof secret}, {CKA_LABEL, (void *)label, strlen(label)}};
  CK_OBJECT_HANDLE key;
  CK_ULONG found = 0;
  CHECK("C_FindObjectsInit", f->C_FindObjectsInit(s, find, 2));
  CHECK("C_FindObjects", f->C_FindObjects(s, &key, 1, &found));
  f->C_FindObjectsFinal(s);
  if (found == 0) usage("no secret key with that label");
  printf("{\"ok\":true,\"unwrapTemplate\":");
  print_template(s, key, CKA_UNWRAP_TEMPLATE);
  printf(",\"wrapTemplate\":");
  print_template(s, key, CKA_WRAP_TEMPLATE);
  printf("}\n");
  f->C_CloseSession(s);
  f->C_Finalize(NULL);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) usage("create | show");
  if (strcmp(argv[1], "create") == 0) return create(argc, argv);
  if (strcmp(argv[1], "show") == 0) return show(argc, argv);
  usage("create | show");
  return 64;
}
