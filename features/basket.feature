Feature: Shopping basket
  A customer collects products in a basket and sees what they will pay.

  Background:
    Given the catalogue has the following products:
      | product | price |
      | apple   | 0.50  |
      | bread   | 2.20  |
      | coffee  | 7.95  |

  Scenario: An empty basket costs nothing
    When I look at my basket
    Then the total is 0.00

  Scenario: Products add up
    When I add 3 "apple" to my basket
    And I add 1 "coffee" to my basket
    Then the total is 9.45

  Scenario: Removing a product
    Given I add 2 "bread" to my basket
    When I remove 1 "bread" from my basket
    Then the total is 2.20
