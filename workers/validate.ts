import type { z } from "zod";
import { fromZodError, hazardFailure } from "../core/validation";
import { readJsonBody } from "./body";
import { ApiError } from "./errors";

/** Reads and validates a JSON body with a schema; any refusal is a 4xx naming the field. */
export async function validBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const body = await readJsonBody(request);
  const hazard = hazardFailure(body);
  if (hazard) throw ApiError.fromValidation(hazard.error);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ApiError.fromValidation(fromZodError(parsed.error).error);
  return parsed.data;
}
