Feature: Greeting cards
  Scenario: A card carries its message
    Given a card with the message:
      """
      Dear Ada,
      Happy birthday!
      """
    When the card is printed
    Then the printout has 2 lines
    And the printout starts with "Dear Ada,"
