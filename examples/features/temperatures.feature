Feature: Temperatures
  Scenario: Water boils at 100 °C, which is 212 °F
    When I convert 100 °C to Fahrenheit
    Then I get 212 °F

  Scenario: Body temperature
    When I convert 37 °C to Fahrenheit
    Then I get 98.6 °F
