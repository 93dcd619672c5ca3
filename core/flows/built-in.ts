/**
 * The flows every shop has, switched off until the shop turns them on (the demo shop seeds them on).
 * Their content is a sensible default in plain English; a shop edits it like any of its own flows.
 */
import type { FlowDefinition } from "./types";

const HOUR = 1;
const DAY = 24 * HOUR;

const VIP: FlowDefinition["entry"] = { attr: "segments", op: "contains", value: "vip" };

export const BUILT_IN_FLOWS: readonly FlowDefinition[] = [
  {
    id: "cart_abandonment",
    name: "Cart abandonment",
    enabled: false,
    trigger: { type: "cart_abandoned" },
    steps: [
      {
        id: "reminder",
        delay_hours: 4 * HOUR,
        channel: "email",
        template: {
          subject: "{{first_name|there}}, you left something in your cart",
          body: "Hi {{first_name|there}}, your cart at {{shop_name}} is waiting for you ({{cart_value}} {{cart_currency}}). We saved it, so you can pick up where you left off.",
          items: "cart",
        },
      },
      {
        id: "sms_nudge",
        delay_hours: 24 * HOUR,
        channel: "sms",
        unless_opened: "reminder",
        template: { body: "{{shop_name}}: your cart ({{cart_value}} {{cart_currency}}) is still waiting for you. Reply STOP to opt out." },
      },
      {
        id: "offer",
        delay_hours: 48 * HOUR,
        channel: "email",
        template: {
          subject: "A little something to finish your order",
          body: "Hi {{first_name|there}}, still thinking it over? Use code {{code}} at checkout for a discount on the items in your cart at {{shop_name}}.",
          items: "cart",
          code: { prefix: "CART-" },
        },
      },
    ],
    reentry_days: 0,
  },
  {
    id: "browse_abandonment",
    name: "Browse abandonment",
    enabled: false,
    trigger: { type: "browse_abandoned", min_views: 4 },
    steps: [
      {
        id: "viewed",
        delay_hours: 24 * HOUR,
        channel: "email",
        template: {
          subject: "Still thinking about these, {{first_name|there}}?",
          body: "Hi {{first_name|there}}, here are the products you looked at on {{shop_name}}. They are still available, for now.",
          items: "viewed",
        },
      },
    ],
    reentry_days: 7,
  },
  {
    id: "welcome",
    name: "Welcome series",
    enabled: false,
    trigger: { type: "subscribed", channel: "email" },
    steps: [
      {
        id: "discount",
        delay_hours: 0,
        channel: "email",
        template: {
          subject: "Welcome to {{shop_name}}: a gift for your first order",
          body: "Hi {{first_name|there}}, thanks for joining {{shop_name}}! Here is code {{code}} for a discount on your first order.",
          code: { prefix: "WELCOME-" },
        },
      },
      {
        id: "brand_story",
        delay_hours: 3 * DAY,
        channel: "email",
        template: {
          subject: "The story behind {{shop_name}}",
          body: "Hi {{first_name|there}}, we started {{shop_name}} to make things we love to use every day. Here is how it all began, and what we care about.",
        },
      },
      {
        id: "urgency",
        delay_hours: 7 * DAY,
        channel: "email",
        template: {
          subject: "Your welcome code expires soon",
          body: "Hi {{first_name|there}}, a friendly reminder: your welcome discount at {{shop_name}} expires soon. Don't miss it.",
        },
      },
    ],
    reentry_days: null,
  },
  {
    id: "post_purchase",
    name: "Post-purchase",
    enabled: false,
    trigger: { type: "purchased" },
    steps: [
      {
        id: "tips",
        delay_hours: 3 * DAY,
        channel: "email",
        template: {
          subject: "Getting the most out of your order",
          body: "Hi {{first_name|there}}, thanks again for your order from {{shop_name}}. Here are a few tips to enjoy it from day one.",
          items: "ordered",
        },
      },
      {
        id: "review_request",
        delay_hours: 14 * DAY,
        channel: "email",
        template: {
          subject: "How do you like it, {{first_name|there}}?",
          body: "Hi {{first_name|there}}, you have had your order from {{shop_name}} for a while now. Would you tell us and other shoppers what you think?",
          items: "ordered",
        },
      },
    ],
    reentry_days: 0,
  },
  {
    id: "replenishment",
    name: "Replenishment",
    enabled: false,
    trigger: { type: "purchased" },
    steps: [
      {
        id: "reorder",
        delay_hours: 30 * DAY,
        at_next_order: true,
        channel: "email",
        template: {
          subject: "Running low, {{first_name|there}}?",
          body: "Hi {{first_name|there}}, it is about time to restock what you bought at {{shop_name}}. Reorder in a couple of clicks.",
          items: "ordered",
        },
      },
    ],
    reentry_days: 0,
  },
  {
    id: "win_back",
    name: "Win-back",
    enabled: false,
    trigger: { type: "no_purchase", days: 90 },
    steps: [
      {
        id: "we_miss_you",
        delay_hours: 0,
        channel: "email",
        template: {
          subject: "We miss you, {{first_name|there}}",
          body: "Hi {{first_name|there}}, it has been a while since your last visit to {{shop_name}}. Come back with code {{code}} for a discount on your next order.",
          code: { prefix: "MISSYOU-" },
        },
      },
    ],
    reentry_days: 0,
  },
  {
    id: "vip_anniversary",
    name: "VIP anniversary",
    enabled: false,
    trigger: { type: "order_anniversary", days_before: 0 },
    entry: VIP,
    steps: [
      {
        id: "anniversary",
        delay_hours: 0,
        channel: "email",
        conditions: VIP,
        template: {
          subject: "Happy anniversary, {{first_name|there}}!",
          body: "Hi {{first_name|there}}, a year ago today you placed your first order at {{shop_name}}. Thank you for being one of our best customers: here is code {{code}} to celebrate.",
          code: { prefix: "VIP-" },
        },
      },
    ],
    reentry_days: 0,
  },
  {
    id: "birthday",
    name: "Birthday",
    enabled: false,
    trigger: { type: "birthday", days_before: 7 },
    steps: [
      {
        id: "birthday_gift",
        delay_hours: 0,
        channel: "email",
        template: {
          subject: "An early birthday gift from {{shop_name}}",
          body: "Hi {{first_name|there}}, your birthday is coming up and we want to celebrate with you. Treat yourself with code {{code}}.",
          code: { prefix: "BDAY-" },
        },
      },
    ],
    reentry_days: 0,
  },
];
