declare namespace Cloudflare {
  interface Env {
    /** The local receiver of the `flows` project (test/receiver/server.ts). */
    TEST_RECEIVER_URL: string;
  }
}
