// check.js drives the simulator with Square's official Node.js SDK (the
// npm package "square", pinned in package.json) and prints what it saw as
// one JSON object on stdout. TestOfficialNodeSDK (sdk_test.go) starts the
// simulator, runs this script and checks the output against the
// simulator's state. Expected API errors are recorded, not thrown: the
// point is that the SDK surfaces Square's errors array from the simulator.
//
// Environment: SIM_URL (base URL, no trailing slash) and SIM_TOKEN.
"use strict";

const { SquareClient, SquareError } = require("square");

const baseUrl = process.env.SIM_URL;
const token = process.env.SIM_TOKEN;
// No SDK retries: a retried request would hide what the simulator answered.
const once = { maxRetries: 0, timeoutInSeconds: 20 };

// errorInfo turns an SDK error into what the Go test compares.
function errorInfo(e) {
  if (!(e instanceof SquareError)) {
    throw e;
  }
  return {
    status: e.statusCode,
    codes: e.errors.map((x) => x.code),
    categories: e.errors.map((x) => x.category),
    fields: e.errors.map((x) => x.field || ""),
  };
}

async function expectError(fn) {
  try {
    await fn();
  } catch (e) {
    return errorInfo(e);
  }
  return { status: 0, codes: ["NO_ERROR"], categories: [], fields: [] };
}

async function main() {
  const client = new SquareClient({ token, baseUrl });
  const out = {};

  // SearchCustomers, following cursor until none is returned.
  const ids = [];
  let cursor;
  let pages = 0;
  let count = -1;
  do {
    const page = await client.customers.search(
      { limit: BigInt(7), count: true, cursor, query: { sort: { field: "CREATED_AT", order: "ASC" } } },
      once,
    );
    pages++;
    for (const c of page.customers || []) {
      ids.push(c.id);
    }
    count = Number(page.count);
    cursor = page.cursor;
  } while (cursor);
  const fuzzy = await client.customers.search(
    { query: { filter: { emailAddress: { fuzzy: "example" }, updatedAt: { startAt: "2019-01-01T00:00:00Z" } } } },
    once,
  );
  out.search = { ids, pages, count, fuzzy: (fuzzy.customers || []).length };

  // CreateCustomer twice with one idempotency key, then with another body.
  const create = {
    idempotencyKey: "sdk-key-1",
    givenName: "Ada",
    familyName: "Lovelace",
    emailAddress: "ada@example.com",
    phoneNumber: "+44 20 7946 0001",
    referenceId: "sdk-ref-1",
    birthday: "1815-12-10",
    address: { addressLine1: "12 St James's Square", locality: "London", postalCode: "SW1Y 4LB", country: "GB" },
  };
  const first = await client.customers.create(create, once);
  const second = await client.customers.create(create, once);
  out.create = {
    first: first.customer.id,
    second: second.customer.id,
    version: Number(first.customer.version),
    same: JSON.stringify(first, (k, v) => (typeof v === "bigint" ? String(v) : v)) ===
      JSON.stringify(second, (k, v) => (typeof v === "bigint" ? String(v) : v)),
    country: first.customer.address.country,
  };
  out.reused = await expectError(() => client.customers.create({ ...create, givenName: "Augusta" }, once));

  // BulkCreateCustomers: one good entry, one the simulator rejects.
  const bulk = await client.customers.batchCreate(
    { customers: { "sdk-bulk-1": { givenName: "Marie", familyName: "Curie" }, "sdk-bulk-2": { emailAddress: "nope" } } },
    once,
  );
  out.bulk = {
    created: (bulk.responses["sdk-bulk-1"].customer || {}).id || "",
    rejected: ((bulk.responses["sdk-bulk-2"].errors || [])[0] || {}).code || "",
  };

  // UpdateCustomer with the current version, then with the stale one.
  const updated = await client.customers.update({ customerId: first.customer.id, version: BigInt(0), note: "first" }, once);
  out.update = { version: Number(updated.customer.version), note: updated.customer.note };
  out.stale = await expectError(() =>
    client.customers.update({ customerId: first.customer.id, version: BigInt(0), note: "stale" }, once),
  );

  // Errors the SDK must surface from the errors array.
  out.notFound = await expectError(() => client.customers.get({ customerId: "NO-SUCH-CUSTOMER" }, once));
  out.tooHigh = await expectError(() => client.customers.search({ limit: BigInt(101) }, once));
  const stranger = new SquareClient({ token: "not-the-token", baseUrl });
  out.unauthorized = await expectError(() => stranger.customers.get({ customerId: first.customer.id }, once));

  // The Square-Version the SDK pins is echoed back.
  const { rawResponse } = await client.customers.get({ customerId: first.customer.id }, once).withRawResponse();
  out.squareVersion = rawResponse.headers.get("square-version");

  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  process.stderr.write("sdk check failed: " + (e && e.stack ? e.stack : String(e)) + "\n");
  process.exit(1);
});
