// The `collect-results` scenario of scripts/bench.mjs: browser collects whose verified
// `nudge_impression` (and, every CLICK_EVERY-th request, `nudge_click`) each add report counters,
// and a check afterwards that the campaign report counted what was sent.
//
// Why the requests are chained: a decision token counts one impression and one click (a replay is
// a duplicate and adds no counter), so re-sending one token per visitor would measure duplicates.
// Each request is therefore what a shop's next page sends: a page_view, the impression of the
// decision the visitor's previous answer carried, and `placements: ["top_banner"]`, whose answer
// carries the next decision (kept per visitor in the run state). Every request thus reports a
// fresh decision, and the answer to it brings the token the visitor's next request reports.
//
// Why a campaign of its own: the demo shop's `cmp_demo_welcome` is capped at 3 impressions a day
// (and shows only to visitors in their first session or at the awareness stage), so a visitor's
// chain would stop after three requests. The
// set-up creates an uncapped campaign on `top_banner` with two variants and the highest priority,
// so every answer carries a decision for it (the demo's campaigns are still evaluated beside it).
//
// `collect-banner` is the control: the same visitors, page_view and placement, no nudge event, so
// the difference between the two is what reporting and counting an impression costs.
//
// The D1 cost per request is what the Worker reports in `Server-Timing: db;desc="N queries"`
// (workers/middleware/database.ts), read for every scenario by bench.mjs. The counters' write is
// not in it by design: it runs after the answer (`waitUntil`), at most every 5 s or at 1,000
// counts per isolate, and the report's figures before and after the scenario show it wrote them.

const CAMPAIGN_NAME = "Bench results";
const PLACEMENT = "top_banner";
/** Every fourth request also reports a click on the decision it reports the impression of. */
const CLICK_EVERY = 4;
/** The report is read until two reads agree: a background flush may be writing when it is first read. */
const REPORT_SETTLE_MS = 1_000;
const REPORT_MAX_READS = 15;

const json = (value) => JSON.stringify(value);

/**
 * @param {{origin: string, siteKey: string, secretKey: string, visitors: number}} options
 * @returns the scenarios bench.mjs runs ({name, route, pool, prepare, request, …}): `collect-results` and its control `collect-banner`.
 */
export function resultsScenarios({ origin, siteKey, secretKey, visitors }) {
  const visitorOf = (n) => `bench-r${n % visitors}`;
  /** Filled by `prepare`; lives in the closure because one scenario object runs once per bench. */
  const state = {
    campaignId: null,
    /** visitor → the decision (campaign_id, variant_id, token) its next request reports. */
    decisions: new Map(),
    /** request number → what it carried, until its answer is read. */
    inFlight: new Map(),
    sent: { requests: 0, impressions: 0, clicks: 0, without_decision: 0 },
    answered: { requests: 0, impressions: 0, clicks: 0, duplicate_batches: 0, non_2xx: 0 },
    /** Answers other than 2xx, by status, and the nudge events they carried (stored by nobody). */
    refused: { statuses: {}, impressions: 0, clicks: 0, first_answer: null },
    before: null,
  };

  const collectBody = (visitor, events) =>
    json({ site: siteKey, anonymous_id: visitor, sent_at: new Date().toISOString(), events, placements: [PLACEMENT] });
  const collectRequest = (visitor, events) => ({
    method: "POST",
    path: "/v1/collect",
    headers: { origin, "content-type": "application/json" },
    body: collectBody(visitor, events),
  });

  /** The bench campaign's decision in a collect answer, or undefined (another campaign won, or none showed). */
  const benchDecision = (answer) => answer?.decisions?.find((decision) => decision.campaign_id === state.campaignId);

  async function createCampaign(baseUrl) {
    const response = await fetch(`${baseUrl}/v1/campaigns`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: json({
        name: CAMPAIGN_NAME,
        placement: PLACEMENT,
        priority: 1000,
        variants: [
          { id: "a", weight: 50, content: { title: "Bench offer A", cta: { label: "Shop", url: "/sale" } } },
          { id: "b", weight: 50, content: { title: "Bench offer B" } },
        ],
      }),
    });
    if (response.status !== 201) throw new Error(`bench results campaign: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }

  /** One collect per visitor with the placement: its answer's token is what the visitor's first request reports. */
  async function firstDecisions(baseUrl) {
    for (let start = 0; start < visitors; start += 25) {
      const batch = Array.from({ length: Math.min(25, visitors - start) }, (_, k) => visitorOf(start + k));
      await Promise.all(
        batch.map(async (visitor) => {
          const { method, path, headers, body } = collectRequest(visitor, [
            { id: `setup-${visitor}`, type: "page_view", page: { url: `${origin}/` } },
          ]);
          const response = await fetch(baseUrl + path, { method, headers, body });
          if (!response.ok) throw new Error(`collect for ${visitor} answered ${response.status}: ${await response.text()}`);
          const decision = benchDecision(await response.json());
          if (!decision) throw new Error(`no decision of the bench campaign for ${visitor}`);
          state.decisions.set(visitor, decision);
        }),
      );
    }
  }

  /** The campaign's impressions, clicks and people in its report (the shop's last 30 days). */
  async function readReport(baseUrl) {
    const response = await fetch(`${baseUrl}/v1/reports/campaigns/${state.campaignId}`, {
      headers: { authorization: `Bearer ${secretKey}` },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`report of ${state.campaignId} answered ${response.status}: ${await response.text()}`);
    const report = await response.json();
    const sum = (metric) => report.variants.reduce((total, variant) => total + variant[metric], 0);
    return { impressions: sum("impressions"), clicks: sum("clicks"), people: sum("people") };
  }

  async function settledReport(baseUrl) {
    let last = await readReport(baseUrl);
    for (let read = 1; read < REPORT_MAX_READS; read++) {
      await new Promise((resolve) => setTimeout(resolve, REPORT_SETTLE_MS));
      const next = await readReport(baseUrl);
      if (next.impressions === last.impressions && next.clicks === last.clicks) return next;
      last = next;
    }
    return last;
  }

  /** The bench campaign, created by whichever of the two scenarios is prepared first. */
  async function ensureCampaign(baseUrl) {
    state.campaignId ??= await createCampaign(baseUrl);
  }

  const collectResults = {
    name: "collect-results",
    route: "POST /v1/collect + impression (results)",
    pool: visitors,

    async prepare(baseUrl) {
      const started = Date.now();
      await ensureCampaign(baseUrl);
      await firstDecisions(baseUrl);
      state.before = await settledReport(baseUrl);
      process.stdout.write(
        `prepare: campaign ${state.campaignId} on ${PLACEMENT}, a decision for each of ${visitors} visitors in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },

    // A page_view, the impression of the visitor's latest decision (and every CLICK_EVERY-th
    // request its click), and the placement whose answer brings the next decision.
    request(n, run) {
      const visitor = visitorOf(n);
      const decision = state.decisions.get(visitor);
      const events = [{ id: `${run.id}-r${n}`, type: "page_view", page: { url: `${origin}/p/${n % 50}` } }];
      const click = decision !== undefined && n % CLICK_EVERY === 0;
      if (decision) {
        const nudge = { campaign_id: decision.campaign_id, variant_id: decision.variant_id, token: decision.token };
        events.push({ id: `${run.id}-ri${n}`, type: "nudge_impression", ...nudge });
        if (click) events.push({ id: `${run.id}-rc${n}`, type: "nudge_click", ...nudge });
      }
      state.inFlight.set(n, { visitor, impression: decision !== undefined, click });
      return collectRequest(visitor, events);
    },

    /**
     * Tallies what a request carried once it was written, and takes the decision from the visitor:
     * when its answer is lost (a load stopped with it in flight), the visitor's next request
     * carries no impression and starts a new chain instead of replaying a token already counted.
     */
    sent(n) {
      const carried = state.inFlight.get(n);
      if (!carried) return;
      state.decisions.delete(carried.visitor);
      state.sent.requests += 1;
      if (carried.impression) state.sent.impressions += 1;
      else state.sent.without_decision += 1;
      if (carried.click) state.sent.clicks += 1;
    },

    /** Keeps the answer's decision for the visitor's next request and tallies what was stored. */
    response(n, status, text) {
      const carried = state.inFlight.get(n);
      state.inFlight.delete(n);
      if (!carried) return;
      state.answered.requests += 1;
      if (status < 200 || status >= 300) {
        state.answered.non_2xx += 1;
        state.refused.statuses[status] = (state.refused.statuses[status] ?? 0) + 1;
        state.refused.first_answer ??= text.slice(0, 300);
        if (carried.impression) state.refused.impressions += 1;
        if (carried.click) state.refused.clicks += 1;
        return;
      }
      const answer = JSON.parse(text);
      // Never expected (each token is sent once), but a replayed token would come back as a duplicate.
      if (answer.events.duplicates > 0) state.answered.duplicate_batches += 1;
      else {
        if (carried.impression) state.answered.impressions += 1;
        if (carried.click) state.answered.clicks += 1;
      }
      const next = benchDecision(answer);
      if (next) state.decisions.set(carried.visitor, next);
    },

    /** The report's counts after the load against what was sent and answered as stored; fills `row.results_counting`. */
    async after(baseUrl, row) {
      const after = await settledReport(baseUrl);
      const counted = { impressions: after.impressions - state.before.impressions, clicks: after.clicks - state.before.clicks };
      // What the Worker can have counted: every event sent, but for those of refused (non-2xx) requests.
      const most = { impressions: state.sent.impressions - state.refused.impressions, clicks: state.sent.clicks - state.refused.clicks };
      row.results_counting = {
        campaign_id: state.campaignId,
        sent: { ...state.sent },
        answered_as_stored: { impressions: state.answered.impressions, clicks: state.answered.clicks },
        duplicate_batches: state.answered.duplicate_batches,
        non_2xx: state.answered.non_2xx,
        refused: { ...state.refused, statuses: { ...state.refused.statuses } },
        // Requests in flight when a load run stopped: the Worker may have counted them, the bench never read their answer.
        unanswered: state.sent.requests - state.answered.requests,
        report_before: state.before,
        report_after: after,
        counted_by_report: counted,
        // Exact when the Worker finished the requests whose answers the bench never read.
        counts_equal_sent: counted.impressions === most.impressions && counted.clicks === most.clicks,
        counts_match:
          counted.impressions >= state.answered.impressions &&
          counted.impressions <= most.impressions &&
          counted.clicks >= state.answered.clicks &&
          counted.clicks <= most.clicks,
      };
    },
  };

  const collectBanner = {
    name: "collect-banner",
    route: "POST /v1/collect + top_banner (control)",
    pool: visitors,
    prepare: ensureCampaign,
    request: (n, run) =>
      collectRequest(visitorOf(n), [{ id: `${run.id}-rb${n}`, type: "page_view", page: { url: `${origin}/p/${n % 50}` } }]),
  };

  return [collectResults, collectBanner];
}

const refusals = (refused) => {
  const statuses = Object.entries(refused.statuses);
  if (statuses.length === 0) return "";
  return ` (${statuses.map(([status, n]) => `${status}×${n}`).join(", ")}, carrying ${refused.impressions} impressions and ${refused.clicks} clicks, not counted in "sent"; the first said ${refused.first_answer})`;
};

/** Prints the counting check of the `collect-results` row; "sent" leaves out what refused (non-2xx) requests carried. */
export function printResultsCounting(row) {
  const r = row.results_counting;
  if (!r) return;
  console.log(
    `results counting (${r.campaign_id}): impressions sent ${r.sent.impressions - r.refused.impressions}, answered as stored ${r.answered_as_stored.impressions}, counted by the report ${r.counted_by_report.impressions}; ` +
      `clicks sent ${r.sent.clicks - r.refused.clicks}, answered as stored ${r.answered_as_stored.clicks}, counted ${r.counted_by_report.clicks} ` +
      `(${r.unanswered} requests unanswered when a load stopped, ${r.sent.without_decision} without a decision to report, ${r.duplicate_batches} duplicate batches, ${r.non_2xx} non-2xx${refusals(r.refused)}) → ${r.counts_equal_sent ? "counted = sent" : r.counts_match ? "answered as stored <= counted <= sent" : "MISMATCH"}`,
  );
}
