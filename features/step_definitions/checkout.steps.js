const assert = require('node:assert/strict');
const { Given, When, Then } = require('@cucumber/cucumber');
const { pay } = require('../support/domain');

Given('a basket worth {float}', function (amount) {
  this.amount = amount;
});

When(/^I pay with a card that the provider (approves|declines) after (\d+) ms$/, async function (answer, delay) {
  this.confirmed = await pay(answer === 'approves', Number(delay));
});

Then('the order is confirmed', function () {
  assert.equal(this.confirmed, true);
});

Then('the order is not confirmed', function () {
  assert.equal(this.confirmed, false);
});
