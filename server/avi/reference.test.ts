import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AviReference } from "@/components/api-reference/avi-reference";
import { buildOpenApi } from "@/server/rest/openapi";
import { AVI_KINDS } from "./objects";

describe("the API reference's Avi section", () => {
  const doc = buildOpenApi();
  const html = renderToStaticMarkup(createElement(AviReference, { doc }));

  it("lists every Avi-shaped object with its methods, the fields it honours and its differences", () => {
    for (const kind of Object.values(AVI_KINDS)) {
      expect(html).toContain(`/api/${kind.kind}</code>`);
      expect(kind.notes.length, kind.kind).toBeGreaterThan(0);
      for (const field of kind.rules.writable) expect(html, `${kind.kind}.${field}`).toContain(field);
    }
    expect(html).toContain(
      "hsm.sluna.server[]: </code>index, remote_ip, server_cert, partition_passwd, partition_label",
    );
    expect(html).toContain("partition_serial_number is read-only");
    expect(html).toContain("RSA 1024 is refused");
    expect(html).toContain("X-CSRFToken");
  });

  it("is served in the OpenAPI document too (x-avi-compatible), with the login flow's paths", () => {
    expect(doc["x-avi-compatible"]).toMatchObject({ version: "30.2.1" });
    expect(Object.keys(doc.paths as object)).toEqual(expect.arrayContaining(["/login", "/logout"]));
  });
});
