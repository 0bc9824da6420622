/** @module The artifact Durable Object (to be written): single writer of version numbers and aliases. */
import { DurableObject } from "cloudflare:workers";

export class ArtifactObject extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}
