from unidecode import unidecode
import emoji
for s in ("Ærøskøbing", "北京市", "Москва", "Ελληνικά", "ﬁancé ½", "한국어", "عربى"):
    print(unidecode(s))
print(emoji.emojize("Python is :thumbs_up: and :red_heart:"), emoji.demojize("I ❤️ 🐍"))
print(emoji.emoji_count("🎉🎉 ok 🙂"), emoji.is_emoji("🙂"), emoji.replace_emoji("a🙂b", replace="*"))
print(emoji.emojize(":gato:", language="es"), emoji.demojize("🐍", language="fr"))
