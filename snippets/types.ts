/** A decision as POST /v1/collect answers it; `trigger` only for pop-ups that have one. */
export interface Decision {
  placement: string;
  campaign_id: string;
  variant_id: string;
  kind: "banner" | "popup" | "inline" | "action";
  content: {
    title?: string;
    body?: string;
    cta?: { label: string; url: string };
    image_url?: string;
    code?: string;
    items?: { item_id: string; item_name?: string; price?: number; url?: string; image_url?: string }[];
  };
  token: string;
  trigger?: { delay_ms?: number; scroll_pct?: number | null; exit_intent?: boolean; url_matches?: string | null };
}
export type NudgeEventType = "nudge_impression" | "nudge_click" | "nudge_dismiss";
/** What the renderer needs from the tracker. */
export interface RenderHost {
  report(type: NudgeEventType, decision: Decision): void;
}
