import { describe, expect, it } from "vitest";
import { proofSubject, userHash, verifyUserHash } from "./identity-proof";

// Computed once with Node: crypto.createHmac("sha256", "ids_demo").update(value, "utf8").digest("hex")
const SECRET = "ids_demo";
const VECTORS = [
  { value: "42", hash: "139a5b004c68eb14359a9593c91176a8e2fb5361687a3064a9d9d59e0eeec590" },
  { value: "ann@example.com", hash: "7652a5ea0b05bfed840b4af531b26f8675831737f3c62ddadb002fa1a989d7ab" },
  { value: "+493012345678", hash: "343a8db34388235a675e4284915cf7870c9c7d7adf38aa9ecd05d9e9c00da936" },
  { value: "Zoë", hash: "c1374d1e5d17490f1f5cfbc56ab73214ffc0f478221d7d42386d78832b01a89a" },
];

const FIRST = VECTORS[0] as (typeof VECTORS)[number];

describe("userHash", () => {
  it.each(VECTORS)("is the lowercase hex HMAC-SHA256 of the UTF-8 bytes of $value", async ({ value, hash }) => {
    expect(await userHash(SECRET, value)).toBe(hash);
  });
});

describe("verifyUserHash", () => {
  it.each(VECTORS)("accepts the hash of $value", async ({ value, hash }) => {
    expect(await verifyUserHash(SECRET, value, hash)).toBe(true);
  });

  it("accepts the hash in upper case", async () => {
    expect(await verifyUserHash(SECRET, "42", FIRST.hash.toUpperCase())).toBe(true);
  });

  it("refuses the hash of another value, under another secret, or altered in one digit", async () => {
    const { hash } = FIRST;
    expect(await verifyUserHash(SECRET, "43", hash)).toBe(false);
    expect(await verifyUserHash("ids_other", "42", hash)).toBe(false);
    expect(await verifyUserHash(SECRET, "42", `${hash.slice(0, -1)}1`)).toBe(false);
  });

  it.each(["", "abc", "z".repeat(64), `${FIRST.hash}00`])("refuses the malformed hash %j", async (hash) => {
    expect(await verifyUserHash(SECRET, "42", hash)).toBe(false);
  });

  it("refuses everything under an empty secret, which anyone could sign with", async () => {
    const hash = await userHash("x", "42");
    expect(await verifyUserHash("", "42", hash)).toBe(false);
  });
});

describe("proofSubject", () => {
  const device = { kind: "anonymous_id", value: "d-1" } as const;
  const customer = { kind: "customer_id", value: "42" } as const;
  const email = { kind: "email", value: "ann@example.com" } as const;
  const phone = { kind: "phone", value: "+493012345678" } as const;

  it("picks the customer id over the email and the phone", () => {
    expect(proofSubject([phone, email, customer, device])).toEqual(customer);
  });

  it("picks the email without a customer id, and the phone without either", () => {
    expect(proofSubject([device, phone, email])).toEqual(email);
    expect(proofSubject([device, phone])).toEqual(phone);
  });

  it("picks nothing when only device ids are named", () => {
    expect(proofSubject([device])).toBeNull();
    expect(proofSubject([])).toBeNull();
  });
});
