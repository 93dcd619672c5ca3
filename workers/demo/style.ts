// The demo storefront's stylesheet, served at GET /demo/style.css (no inline styles under its CSP).
export const STYLE_CSS = `:root {
  --nudge-accent: #b4436c;
  --nudge-radius: 10px;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #222;
  background: #fbf8f4;
}
body { margin: 0; }
header.site {
  display: flex; align-items: center; justify-content: space-between; flex-wrap: wrap; gap: 1rem;
  padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #eadfd3;
}
.brand { font-weight: 700; font-size: 1.25rem; color: #b4436c; text-decoration: none; }
nav a { margin-left: 1rem; color: #222; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem; }
footer.site { text-align: center; color: #777; font-size: 0.875rem; padding: 2rem; }
/* The hero slot reserves its space, so whatever Nudge renders into it shifts nothing. */
.hero { display: block; min-height: 12rem; margin-bottom: 2rem; border-radius: 10px; background: linear-gradient(120deg, #f6e3d5, #e8d5f0); }
.nba { display: block; min-height: 8rem; margin-top: 2rem; }
.grid { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1.5rem; }
.card { background: #fff; border-radius: 10px; padding: 1rem; box-shadow: 0 1px 3px rgb(0 0 0 / 0.08); }
.card h3 { margin: 0.75rem 0 0.25rem; }
.swatch { height: 8rem; border-radius: 8px; }
.swatch-large { height: 16rem; }
.swatch-mug-aurora { background: linear-gradient(135deg, #5fb49c, #7d5ba6); }
.swatch-mug-basalt { background: linear-gradient(135deg, #333, #666); }
.swatch-mug-coral { background: linear-gradient(135deg, #ff8a80, #f8bbd0); }
.product { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
.price { font-weight: 600; }
.note { color: #3a7d44; }
.total { font-weight: 700; }
button, .button {
  font: inherit; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid #b4436c;
  background: #fff; color: #b4436c; cursor: pointer; text-decoration: none; display: inline-block;
}
button.primary, .button.primary { background: #b4436c; color: #fff; }
button:disabled { opacity: 0.5; cursor: default; }
.consent {
  position: fixed; left: 1rem; bottom: 1rem; max-width: 22rem; padding: 1rem; background: #fff;
  border: 1px solid #eadfd3; border-radius: 10px; box-shadow: 0 4px 16px rgb(0 0 0 / 0.12); font-size: 0.875rem;
}
.consent[hidden], [hidden] { display: none; }
@media (max-width: 40rem) { .product { grid-template-columns: 1fr; } }
`;
