-- Run once by the postgres image on an empty volume: the test database next to the development one.
CREATE DATABASE mt_facturation_test;
