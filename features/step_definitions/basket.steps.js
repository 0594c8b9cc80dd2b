const assert = require('node:assert/strict');
const { Given, When, Then } = require('@cucumber/cucumber');
const { Basket } = require('../support/domain');

Given('the catalogue has the following products:', function (table) {
  const catalogue = new Map(table.hashes().map((row) => [row.product, Number(row.price)]));
  this.basket = new Basket(catalogue);
});

When('I look at my basket', function () {});

When(/^I add (\d+) "([^"]+)" to my basket$/, function (count, product) {
  this.basket.add(product, Number(count));
});

When(/^I remove (\d+) "([^"]+)" from my basket$/, function (count, product) {
  this.basket.remove(product, Number(count));
});

Then(/^the total is ([\d.]+)$/, function (total) {
  assert.equal(this.basket.total(), total);
});
