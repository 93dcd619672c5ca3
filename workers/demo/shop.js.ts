// The demo storefront's own script, served at GET /demo/shop.js. It is loaded without `async` before
// the tag, so its first line is the snippet's stub (the page has no inline script under its CSP);
// the rest waits for the DOM: the cart in localStorage, GA4 e-commerce events on window.dataLayer
// (the snippet captures them) and a small consent banner that calls nudge('consent', …).
export const SHOP_JS = `window.nudge=window.nudge||function(){(nudge.q=nudge.q||[]).push(arguments)};
(function () {
  "use strict";
  var CART_KEY = "demo_cart";
  var CONSENT_KEY = "demo_consent_choice";
  window.dataLayer = window.dataLayer || [];

  function readCart() {
    try {
      var cart = JSON.parse(localStorage.getItem(CART_KEY) || "[]");
      return Array.isArray(cart) ? cart : [];
    } catch (e) {
      return [];
    }
  }
  function writeCart(cart) {
    try {
      localStorage.setItem(CART_KEY, JSON.stringify(cart));
    } catch (e) {}
  }
  function cartValue(cart) {
    return cart.reduce(function (sum, line) { return sum + line.price * line.quantity; }, 0);
  }
  function ecommerce(event, fields) {
    window.dataLayer.push({ ecommerce: null });
    window.dataLayer.push({ event: event, ecommerce: fields });
  }
  function cartEvent(event, cart, extra) {
    var fields = { currency: "EUR", value: cartValue(cart), items: cart.map(function (line) {
      return { item_id: line.item_id, item_name: line.item_name, price: line.price, quantity: line.quantity };
    }) };
    for (var key in extra || {}) fields[key] = extra[key];
    ecommerce(event, fields);
  }
  function renderCount(cart) {
    var count = cart.reduce(function (sum, line) { return sum + line.quantity; }, 0);
    document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = String(count); });
  }
  function renderLines(cart) {
    document.querySelectorAll("[data-cart-lines]").forEach(function (box) {
      box.textContent = "";
      if (cart.length === 0) {
        var empty = document.createElement("p");
        empty.textContent = "Your cart is empty.";
        box.appendChild(empty);
        return;
      }
      var list = document.createElement("ul");
      list.className = "lines";
      cart.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line.quantity + " × " + line.item_name + " — " + (line.price * line.quantity).toFixed(2) + " EUR";
        list.appendChild(li);
      });
      var total = document.createElement("p");
      total.className = "total";
      total.textContent = "Total: " + cartValue(cart).toFixed(2) + " EUR";
      box.appendChild(list);
      box.appendChild(total);
    });
  }

  function setUpConsent() {
    var banner = document.querySelector("[data-consent-banner]");
    if (!banner) return;
    var choice = null;
    try { choice = localStorage.getItem(CONSENT_KEY); } catch (e) {}
    if (!choice) banner.hidden = false;
    banner.querySelectorAll("[data-consent]").forEach(function (button) {
      button.addEventListener("click", function () {
        var accept = button.getAttribute("data-consent") === "accept";
        window.nudge("consent", { analytics: accept, personalization: accept, marketing: accept });
        try { localStorage.setItem(CONSENT_KEY, accept ? "accepted" : "rejected"); } catch (e) {}
        banner.hidden = true;
      });
    });
  }

  function setUpPage() {
    var page = document.body.getAttribute("data-page");
    var cart = readCart();
    renderCount(cart);
    renderLines(cart);
    setUpConsent();

    if (page === "category") {
      ecommerce("view_item_list", { item_list_id: "mugs", item_list_name: "Mugs" });
    }
    if (page === "product") {
      var product = document.querySelector("[data-item-id]");
      if (!product) return;
      var item = {
        item_id: product.getAttribute("data-item-id"),
        item_name: product.getAttribute("data-item-name"),
        item_category: "mugs",
        price: Number(product.getAttribute("data-price")),
      };
      ecommerce("view_item", { currency: "EUR", value: item.price, items: [item] });
      var add = document.querySelector("[data-add-to-cart]");
      if (add) add.addEventListener("click", function () {
        var current = readCart();
        var line = current.filter(function (l) { return l.item_id === item.item_id; })[0];
        if (line) line.quantity += 1;
        else current.push({ item_id: item.item_id, item_name: item.item_name, price: item.price, quantity: 1 });
        writeCart(current);
        renderCount(current);
        ecommerce("add_to_cart", { currency: "EUR", value: item.price, items: [{ item_id: item.item_id, item_name: item.item_name, price: item.price, quantity: 1 }] });
        var note = document.querySelector("[data-added]");
        if (note) note.hidden = false;
      });
    }
    if (page === "cart") cartEvent("view_cart", cart);
    if (page === "checkout") {
      if (cart.length > 0) cartEvent("begin_checkout", cart);
      var buy = document.querySelector("[data-buy]");
      if (buy) buy.addEventListener("click", function () {
        var current = readCart();
        if (current.length === 0) return;
        var id = "DEMO-" + Date.now().toString(36).toUpperCase() + "-" + Math.random().toString(36).slice(2, 8).toUpperCase();
        cartEvent("purchase", current, { transaction_id: id });
        writeCart([]);
        renderCount([]);
        renderLines([]);
        buy.disabled = true;
        var done = document.querySelector("[data-bought]");
        var orderId = document.querySelector("[data-order-id]");
        if (orderId) orderId.textContent = id;
        if (done) done.hidden = false;
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpPage);
  else setUpPage();
})();
`;
