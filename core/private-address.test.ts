import { describe, expect, it } from "vitest";
import { isPrivateHost } from "./private-address";

describe("private webhook hosts", () => {
  it.each([
    ["localhost", true],
    ["api.localhost", true],
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["192.168.1.10", true],
    ["169.254.169.254", true],
    ["0.0.0.0", true],
    ["100.64.0.1", true],
    ["[::1]", true],
    ["fd12:3456::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["printer.local", true],
    ["hooks.example.com", false],
    ["172.32.0.1", false],
    ["8.8.8.8", false],
    ["[2606:4700::1111]", false],
  ])("%s is private: %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});
