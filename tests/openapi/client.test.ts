// Drives a running appliance with a client generated from the OpenAPI document it serves (openapi-typescript types,
// openapi-fetch calls): if the document misdescribes a path, a body, a parameter or an answer, this fails to compile
// or to run. check.sh starts the appliance and passes its address and an admin token.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type WanLink = components["schemas"]["WanLink"];
type EngineStatus = components["schemas"]["EngineStatus"];

const baseUrl = required("APPLIANCE_URL");
const token = required("APPLIANCE_TOKEN");
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const anonymous = createClient<paths>({ baseUrl });

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run tests/openapi/check.sh`);
  }
  return value;
}

function isProblem(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("application/problem+json") ?? false;
}

test("without a token the API answers 401 with problem details, and sign-in status stays open", async () => {
  const { error, response } = await anonymous.GET("/api/v1/wans");
  assert.equal(response.status, 401);
  assert.ok(isProblem(response));
  assert.equal(error?.status, 401);

  const status = await anonymous.GET("/api/v1/auth/status");
  assert.equal(status.response.status, 200);
  assert.equal(typeof status.data?.setupRequired, "boolean");
});

test("with a token: create a WAN, apply with commit-confirm, confirm, and read the status", async () => {
  const wan: WanLink = { name: "uplink", interface: "wan0", gateway: "192.0.2.1", weight: 3 };

  // A field the WAN cannot have comes back as a validation problem naming it.
  const invalid = await api.POST("/api/v1/wans", { body: { ...wan, weight: 0 } });
  assert.equal(invalid.response.status, 400);
  assert.ok(isProblem(invalid.response));
  const problem = invalid.error;
  assert.ok(problem && "errors" in problem && problem.errors?.["weight"]?.length, JSON.stringify(problem));

  const created = await api.POST("/api/v1/wans", { body: wan });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  assert.equal(created.data?.name, "uplink");
  assert.equal(created.data?.mode, "balance");
  const etag = created.response.headers.get("etag");
  assert.ok(etag);

  // If-Match: a change on top of what was read goes through; one on top of an old version is refused.
  const updated = await api.PUT("/api/v1/wans/{name}", {
    params: { path: { name: "uplink" }, header: { "If-Match": etag } },
    body: { ...wan, weight: 5 },
  });
  assert.equal(updated.response.status, 200, JSON.stringify(updated.error));
  assert.equal(updated.data?.weight, 5);
  const stale = await api.PUT("/api/v1/wans/{name}", {
    params: { path: { name: "uplink" }, header: { "If-Match": etag } },
    body: { ...wan, weight: 7 },
  });
  assert.equal(stale.response.status, 412);
  assert.ok(isProblem(stale.response));

  const pending = await api.GET("/api/v1/config/pending");
  assert.equal(pending.data?.hasChanges, true);

  const applied = await api.POST("/api/v1/config/apply", { body: { comment: "generated client", confirmSeconds: 120 } });
  assert.equal(applied.response.status, 200, JSON.stringify(applied.error));
  assert.equal(applied.data?.status, "pending");
  assert.ok(applied.data?.confirmDeadline);
  const revision = applied.data.id;

  const confirmed = await api.POST("/api/v1/config/confirm");
  assert.equal(confirmed.response.status, 200, JSON.stringify(confirmed.error));
  assert.equal(confirmed.data?.id, revision);
  assert.equal(confirmed.data?.status, "confirmed");

  // Nothing is waiting any more: a second confirm is a conflict.
  const again = await api.POST("/api/v1/config/confirm");
  assert.equal(again.response.status, 409);
  assert.ok(isProblem(again.response));

  // The engine puts the revision in force in its namespace; the WAN follows its carrier (no probe targets).
  let status: EngineStatus | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await delay(200)) {
    status = (await api.GET("/api/v1/status")).data;
    if (status?.revisionId === revision && status.wans.some((w) => w.name === "uplink" && w.state === "up")) {
      break;
    }
  }
  assert.equal(status?.running, true, JSON.stringify(status));
  assert.equal(status?.revisionId, revision, JSON.stringify(status));
  assert.equal(status?.wans.find((w) => w.name === "uplink")?.state, "up", JSON.stringify(status));
});
