const assert = require('node:assert/strict');
const { When, Then } = require('@cucumber/cucumber');
const { addNumbers } = require('../support/domain');

When('I add the numbers in {string}', function (input) {
  this.sum = addNumbers(input);
});

Then('the sum is {int}', function (sum) {
  assert.equal(this.sum, sum);
});
