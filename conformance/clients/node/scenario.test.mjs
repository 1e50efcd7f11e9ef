// The scenario's own checks of what an error looks like: grpc-gateway's google.rpc.Status JSON over HTTP (plain
// and as a stream's {"error": …} line), the ErrorInfo inside a gRPC status, and the shapes that are not these,
// which must come out as the pending "gateway-error-shape" rather than as a pass. Run: node --test
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { ApiError, Pending, httpDriver, reasonOfStatus } from "./scenario.mjs";

const INFO = { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "ERROR_REASON_UNKNOWN_DEFINITION",
  domain: "authzed.com", metadata: {} };
// path -> [HTTP status, body]
const ANSWERS = {
  "/v1/permissions/check": [400, { code: 9, message: "object definition `nosuch` not found", details: [INFO] }],
  "/v1/permissions/resources": [400, { error: { code: 9, message: "not found", details: [INFO] } }],
  "/v1/permissions/subjects": [200, '{"result":{"subject":{"subjectObjectId":"a"}}}\n'
    + '{"error":{"code":4,"message":"deadline","details":[]}}\n'],
  "/v1/relationships/write": [400, { code: "UNKNOWN_NAME", message: "legacy", details: { name: "x" } }],
  "/v1/relationships/delete": [409, { code: 9, message: "wrong status for FAILED_PRECONDITION", details: [] }],
  "/v1/schema/read": [401, { code: 16, message: "missing key", details: [] }],
};
let server, api;
before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const [status, body] = ANSWERS[req.url];
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  api = httpDriver(`http://127.0.0.1:${server.address().port}`, "key");
});
after(() => server.close());

async function rejection(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("the call succeeded");
}

test("a google.rpc.Status body with grpc-gateway's HTTP status is the gRPC code and the ErrorInfo reason", async () => {
  const e = await rejection(api.call("CheckPermission", {}));
  assert.ok(e instanceof ApiError, String(e));
  assert.equal(e.code, "FAILED_PRECONDITION");
  assert.equal(e.reason, "ERROR_REASON_UNKNOWN_DEFINITION");
  const none = await rejection(api.call("ReadSchema", {}));
  assert.equal(none.code, "UNAUTHENTICATED");
  assert.equal(none.reason, "ERROR_REASON_UNSPECIFIED");
});

test("a stream's error before its first message, and after it, are read the same way", async () => {
  const e = await rejection(api.stream("LookupResources", {}));
  assert.equal(e.code, "FAILED_PRECONDITION");
  assert.equal(e.reason, "ERROR_REASON_UNKNOWN_DEFINITION");
  const late = await rejection(api.stream("LookupSubjects", {}));
  assert.equal(late.code, "DEADLINE_EXCEEDED");
});

test("another body shape, or another HTTP status for the code, is the pending gateway error shape", async () => {
  for (const method of ["WriteRelationships", "DeleteRelationships"]) {
    const e = await rejection(api.call(method, {}));
    assert.ok(e instanceof Pending, `${method}: ${e}`);
    assert.equal(e.feature, "gateway-error-shape");
  }
});

test("the ErrorInfo reason is read from grpc-status-details-bin", () => {
  const str = (no, s) => [(no << 3) | 2, Buffer.byteLength(s), ...Buffer.from(s)];
  const info = [...str(1, "ERROR_REASON_WILDCARD_NOT_ALLOWED"), ...str(2, "authzed.com")];
  const any = [...str(1, "type.googleapis.com/google.rpc.ErrorInfo"), (2 << 3) | 2, info.length, ...info];
  const status = new Uint8Array([8, 3, ...str(2, "wildcard"), (3 << 3) | 2, any.length, ...any]);
  assert.equal(reasonOfStatus(status), "ERROR_REASON_WILDCARD_NOT_ALLOWED");
  assert.equal(reasonOfStatus(new Uint8Array([8, 3])), "ERROR_REASON_UNSPECIFIED");
});
