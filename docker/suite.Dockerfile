# Any suite folder on the cucumber runner: its contents become /suite (docker/build-images.sh --suite DIR).
FROM baleen/cucumber-runner:12
WORKDIR /suite
COPY . /suite/
