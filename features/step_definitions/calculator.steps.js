const assert = require('node:assert/strict');
const { Given, When, Then } = require('@cucumber/cucumber');
const { operations } = require('../support/domain');

Given(/^I enter (-?\d+) and (-?\d+)$/, function (a, b) {
  this.operands = [Number(a), Number(b)];
});

When('I press {string}', function (operation) {
  try {
    this.display = String(operations[operation](...this.operands));
  } catch (error) {
    this.display = `Error: ${error.message}`;
  }
});

// The pattern matches cucumber's {int}, so the captured value arrives as a number.
Then(/^the display shows (-?\d+)$/, function (expected) {
  assert.equal(this.display, String(expected));
});

Then('the display shows {string}', function (expected) {
  assert.equal(this.display, expected);
});
