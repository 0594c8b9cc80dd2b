Feature: Words
  Scenario: A palindrome reads the same both ways
    When I check "level"
    Then it is a palindrome

  Scenario: Most words are not palindromes
    When I check "baleen"
    Then it is not a palindrome
