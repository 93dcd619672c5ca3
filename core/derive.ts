import { engagementTier } from "./engagement";
import { lifecyclePhase } from "./lifecycle";
import { predict } from "./predictions";
import { builtInSegments, rfmScores } from "./segments";
import type { Derived, ProfileState } from "./types";

/** Everything derived from the live state at `now`; recomputed after every batch and on read. */
export function deriveProfile(state: ProfileState, now: number): Derived {
  return {
    lifecycle: lifecyclePhase(state, now),
    engagement: engagementTier(state, now),
    rfm: rfmScores(state, now),
    segments: builtInSegments(state, now),
    predictions: predict(state, now),
  };
}
