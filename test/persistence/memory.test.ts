import { InMemoryPersister } from "burr-ts";
import { persisterContract } from "./contract.js";

persisterContract("InMemoryPersister", () => {
  const p = new InMemoryPersister();
  return { make: async () => p, second: async () => p, cleanup: async () => p.close() };
});
