Feature: Checkout with a payment provider
  The payment provider answers slowly; baleen runs this feature beside the others.

  Scenario: A payment is approved
    Given a basket worth 25.00
    When I pay with a card that the provider approves after 800 ms
    Then the order is confirmed

  Scenario: A payment is declined
    Given a basket worth 25.00
    When I pay with a card that the provider declines after 600 ms
    Then the order is not confirmed
