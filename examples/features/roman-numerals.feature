Feature: Roman numerals
  Scenario Outline: Numbers as Roman numerals
    When I write <number> in Roman numerals
    Then I get "<numeral>"

    Examples:
      | number | numeral   |
      | 4      | IV        |
      | 1994   | MCMXCIV   |
      | 2026   | MMXXVI    |
