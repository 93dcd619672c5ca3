// The demo storefront's pages (served by workers/routes/demo.ts): one template with a nav, no inline
// script or style, so the pages run under a strict Content Security Policy together with the snippet.

export interface DemoProduct {
  id: string;
  name: string;
  price: number;
  blurb: string;
}

export const PRODUCTS: DemoProduct[] = [
  { id: "mug-aurora", name: "Aurora mug", price: 18, blurb: "Glazed in greens and violets, 350 ml." },
  { id: "mug-basalt", name: "Basalt mug", price: 22, blurb: "Matte black stoneware that keeps coffee hot." },
  { id: "mug-coral", name: "Coral mug", price: 16, blurb: "A cheerful pink for slow mornings, 300 ml." },
];

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

const euro = (value: number): string => `${value.toFixed(2)} EUR`;

/** The page template: stub, tag, the demo's own script and stylesheet, a nav and the consent banner. */
function layout(title: string, page: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Nudge demo shop</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo/style.css">
<script src="/demo/shop.js"></script>
<script async src="/nudge.js" data-site="pk_demo"></script>
</head>
<body data-page="${page}">
<header class="site">
<a class="brand" href="/demo">The Mug Shop</a>
<nav aria-label="Shop">
<a href="/demo">Home</a>
<a href="/demo/category/mugs">Mugs</a>
<a href="/demo/cart">Cart (<span data-cart-count>0</span>)</a>
<a href="/demo/checkout">Checkout</a>
</nav>
</header>
<main>
${main}
</main>
<aside class="consent" data-consent-banner hidden>
<p>This demo shop uses Nudge to personalize what you see. The demo shop's consent mode is <em>implied</em>: it works until you say no.</p>
<button type="button" data-consent="accept">Accept all</button>
<button type="button" data-consent="reject">Only necessary</button>
</aside>
<footer class="site"><p>A demo of Nudge edge personalization. Nothing here is for sale.</p></footer>
</body>
</html>
`;
}

function productCard(product: DemoProduct): string {
  return `<li class="card">
<div class="swatch swatch-${product.id}" aria-hidden="true"></div>
<h3><a href="/demo/product/${product.id}">${escapeHtml(product.name)}</a></h3>
<p class="price">${euro(product.price)}</p>
</li>`;
}

export function homePage(): string {
  return layout(
    "Home",
    "home",
    `<section class="hero" data-nudge-slot="hero" aria-label="Featured"></section>
<h1>Mugs for every morning</h1>
<p>Three handmade mugs. Browse one of them three times, put it in the cart, move the mouse out of the window, then buy.</p>
<ul class="grid">${PRODUCTS.map(productCard).join("\n")}</ul>`,
  );
}

export function categoryPage(): string {
  return layout(
    "Mugs",
    "category",
    `<h1>Mugs</h1>
<ul class="grid" data-item-list="mugs">${PRODUCTS.map(productCard).join("\n")}</ul>`,
  );
}

export function productPage(product: DemoProduct): string {
  return layout(
    product.name,
    "product",
    `<article class="product" data-item-id="${product.id}" data-item-name="${escapeHtml(product.name)}" data-price="${product.price}">
<div class="swatch swatch-large swatch-${product.id}" aria-hidden="true"></div>
<div>
<h1>${escapeHtml(product.name)}</h1>
<p class="price">${euro(product.price)}</p>
<p>${escapeHtml(product.blurb)}</p>
<button type="button" class="primary" data-add-to-cart>Add to cart</button>
<p class="note" data-added hidden>Added to the cart.</p>
</div>
</article>
<section class="nba" data-nudge-nba aria-label="Recommended for you"></section>`,
  );
}

export function cartPage(): string {
  return layout(
    "Cart",
    "cart",
    `<h1>Your cart</h1>
<div data-cart-lines><p>Your cart is empty.</p></div>
<p><a class="button primary" href="/demo/checkout">Check out</a></p>`,
  );
}

export function checkoutPage(): string {
  return layout(
    "Checkout",
    "checkout",
    `<h1>Checkout</h1>
<div data-cart-lines><p>Your cart is empty.</p></div>
<button type="button" class="primary" data-buy>Buy now</button>
<p class="note" data-bought hidden>Thank you! Order <span data-order-id></span> is on its way. Go back <a href="/demo">home</a> for a surprise.</p>`,
  );
}
